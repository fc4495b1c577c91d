using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ComplianceDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ComplianceAppointmentDays",
                columns: table => new
                {
                    PracticeId = table.Column<int>(type: "integer", nullable: false),
                    HubId = table.Column<int>(type: "integer", nullable: false),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    UsedSlots = table.Column<int>(type: "integer", nullable: false),
                    Booked = table.Column<int>(type: "integer", nullable: false),
                    Attended = table.Column<int>(type: "integer", nullable: false),
                    DidNotAttend = table.Column<int>(type: "integer", nullable: false),
                    Cancelled = table.Column<int>(type: "integer", nullable: false),
                    SameDay = table.Column<int>(type: "integer", nullable: false),
                    PreBooked = table.Column<int>(type: "integer", nullable: false),
                    Remote = table.Column<int>(type: "integer", nullable: false),
                    FaceToFace = table.Column<int>(type: "integer", nullable: false),
                    ViaPractice = table.Column<int>(type: "integer", nullable: false),
                    ViaNhs111 = table.Column<int>(type: "integer", nullable: false),
                    ViaHub = table.Column<int>(type: "integer", nullable: false),
                    ViaOnline = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComplianceAppointmentDays", x => new { x.PracticeId, x.Date, x.HubId, x.SessionId });
                });

            migrationBuilder.CreateTable(
                name: "ComplianceSessionDays",
                columns: table => new
                {
                    HubId = table.Column<int>(type: "integer", nullable: false),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    StartingSlots = table.Column<int>(type: "integer", nullable: false),
                    ExtendedMinutes = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    TouchingSlots = table.Column<int>(type: "integer", nullable: false),
                    EveningCover = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComplianceSessionDays", x => new { x.HubId, x.Date, x.SessionId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ComplianceAppointmentDays");

            migrationBuilder.DropTable(
                name: "ComplianceSessionDays");
        }
    }
}
