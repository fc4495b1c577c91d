using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OnlineConsultation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_OutboxMessages_Appointments_AppointmentId",
                table: "OutboxMessages");

            migrationBuilder.AlterColumn<long>(
                name: "AppointmentId",
                table: "OutboxMessages",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddColumn<long>(
                name: "ConsultationRequestId",
                table: "OutboxMessages",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConsultationRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PracticeId = table.Column<int>(type: "integer", nullable: false),
                    Reference = table.Column<string>(type: "character varying(9)", maxLength: 9, nullable: false),
                    NhsNumber = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    GivenName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FamilyName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DateOfBirth = table.Column<DateOnly>(type: "date", nullable: false),
                    Email = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Mobile = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    PatientId = table.Column<int>(type: "integer", nullable: true),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    AdminType = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    ProblemSummary = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Duration = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Severity = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    Details = table.Column<string>(type: "character varying(1500)", maxLength: 1500, nullable: true),
                    RedFlagAnswers = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SubmittedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeadlineUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AssignedTo = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    OutcomeNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ClosedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    BookedAppointmentId = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationRequests_Appointments_BookedAppointmentId",
                        column: x => x.BookedAppointmentId,
                        principalTable: "Appointments",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_ConsultationRequests_Patients_PatientId",
                        column: x => x.PatientId,
                        principalTable: "Patients",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_ConsultationRequests_Practices_PracticeId",
                        column: x => x.PracticeId,
                        principalTable: "Practices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LocalServices",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CcgId = table.Column<int>(type: "integer", nullable: false),
                    NetworkId = table.Column<int>(type: "integer", nullable: true),
                    Category = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    WhoFor = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    HowToRefer = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Hours = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Website = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Keywords = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Source = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    IsSynthetic = table.Column<bool>(type: "boolean", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LocalServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LocalServices_Ccgs_CcgId",
                        column: x => x.CcgId,
                        principalTable: "Ccgs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_LocalServices_Networks_NetworkId",
                        column: x => x.NetworkId,
                        principalTable: "Networks",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "NavigatorTraining",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PracticeId = table.Column<int>(type: "integer", nullable: false),
                    StaffName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Trained = table.Column<bool>(type: "boolean", nullable: false),
                    TrainedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Course = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NavigatorTraining", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NavigatorTraining_Practices_PracticeId",
                        column: x => x.PracticeId,
                        principalTable: "Practices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PracticeOnlineSettings",
                columns: table => new
                {
                    PracticeId = table.Column<int>(type: "integer", nullable: false),
                    AcceptingRequests = table.Column<bool>(type: "boolean", nullable: false),
                    DailyCap = table.Column<int>(type: "integer", nullable: false),
                    PausedMessage = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    IsSynthetic = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeOnlineSettings", x => x.PracticeId);
                    table.ForeignKey(
                        name: "FK_PracticeOnlineSettings_Practices_PracticeId",
                        column: x => x.PracticeId,
                        principalTable: "Practices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultationEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsultationRequestId = table.Column<long>(type: "bigint", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    What = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultationEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultationEvents_ConsultationRequests_ConsultationRequest~",
                        column: x => x.ConsultationRequestId,
                        principalTable: "ConsultationRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SignpostingRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PracticeId = table.Column<int>(type: "integer", nullable: false),
                    LocalServiceId = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    RecordedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignpostingRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignpostingRecords_LocalServices_LocalServiceId",
                        column: x => x.LocalServiceId,
                        principalTable: "LocalServices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SignpostingRecords_Practices_PracticeId",
                        column: x => x.PracticeId,
                        principalTable: "Practices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_ConsultationRequestId",
                table: "OutboxMessages",
                column: "ConsultationRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationEvents_ConsultationRequestId_AtUtc",
                table: "ConsultationEvents",
                columns: new[] { "ConsultationRequestId", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_BookedAppointmentId",
                table: "ConsultationRequests",
                column: "BookedAppointmentId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_NhsNumber_SubmittedUtc",
                table: "ConsultationRequests",
                columns: new[] { "NhsNumber", "SubmittedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_PatientId",
                table: "ConsultationRequests",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_PracticeId_Status_DeadlineUtc",
                table: "ConsultationRequests",
                columns: new[] { "PracticeId", "Status", "DeadlineUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_PracticeId_SubmittedUtc",
                table: "ConsultationRequests",
                columns: new[] { "PracticeId", "SubmittedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_Reference",
                table: "ConsultationRequests",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LocalServices_CcgId_Category",
                table: "LocalServices",
                columns: new[] { "CcgId", "Category" });

            migrationBuilder.CreateIndex(
                name: "IX_LocalServices_Code",
                table: "LocalServices",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LocalServices_NetworkId",
                table: "LocalServices",
                column: "NetworkId");

            migrationBuilder.CreateIndex(
                name: "IX_NavigatorTraining_PracticeId_StaffName",
                table: "NavigatorTraining",
                columns: new[] { "PracticeId", "StaffName" });

            migrationBuilder.CreateIndex(
                name: "IX_SignpostingRecords_LocalServiceId",
                table: "SignpostingRecords",
                column: "LocalServiceId");

            migrationBuilder.CreateIndex(
                name: "IX_SignpostingRecords_PracticeId_RecordedUtc",
                table: "SignpostingRecords",
                columns: new[] { "PracticeId", "RecordedUtc" });

            migrationBuilder.AddForeignKey(
                name: "FK_OutboxMessages_Appointments_AppointmentId",
                table: "OutboxMessages",
                column: "AppointmentId",
                principalTable: "Appointments",
                principalColumn: "Id");

            migrationBuilder.AddForeignKey(
                name: "FK_OutboxMessages_ConsultationRequests_ConsultationRequestId",
                table: "OutboxMessages",
                column: "ConsultationRequestId",
                principalTable: "ConsultationRequests",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_OutboxMessages_Appointments_AppointmentId",
                table: "OutboxMessages");

            migrationBuilder.DropForeignKey(
                name: "FK_OutboxMessages_ConsultationRequests_ConsultationRequestId",
                table: "OutboxMessages");

            migrationBuilder.DropTable(
                name: "ConsultationEvents");

            migrationBuilder.DropTable(
                name: "NavigatorTraining");

            migrationBuilder.DropTable(
                name: "PracticeOnlineSettings");

            migrationBuilder.DropTable(
                name: "SignpostingRecords");

            migrationBuilder.DropTable(
                name: "ConsultationRequests");

            migrationBuilder.DropTable(
                name: "LocalServices");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_ConsultationRequestId",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "ConsultationRequestId",
                table: "OutboxMessages");

            migrationBuilder.AlterColumn<long>(
                name: "AppointmentId",
                table: "OutboxMessages",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);

            migrationBuilder.AddForeignKey(
                name: "FK_OutboxMessages_Appointments_AppointmentId",
                table: "OutboxMessages",
                column: "AppointmentId",
                principalTable: "Appointments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
