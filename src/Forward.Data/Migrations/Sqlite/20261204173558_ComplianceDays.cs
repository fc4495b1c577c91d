using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
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
                    PracticeId = table.Column<int>(type: "INTEGER", nullable: false),
                    HubId = table.Column<int>(type: "INTEGER", nullable: false),
                    SessionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    UsedSlots = table.Column<int>(type: "INTEGER", nullable: false),
                    Booked = table.Column<int>(type: "INTEGER", nullable: false),
                    Attended = table.Column<int>(type: "INTEGER", nullable: false),
                    DidNotAttend = table.Column<int>(type: "INTEGER", nullable: false),
                    Cancelled = table.Column<int>(type: "INTEGER", nullable: false),
                    SameDay = table.Column<int>(type: "INTEGER", nullable: false),
                    PreBooked = table.Column<int>(type: "INTEGER", nullable: false),
                    Remote = table.Column<int>(type: "INTEGER", nullable: false),
                    FaceToFace = table.Column<int>(type: "INTEGER", nullable: false),
                    ViaPractice = table.Column<int>(type: "INTEGER", nullable: false),
                    ViaNhs111 = table.Column<int>(type: "INTEGER", nullable: false),
                    ViaHub = table.Column<int>(type: "INTEGER", nullable: false),
                    ViaOnline = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComplianceAppointmentDays", x => new { x.PracticeId, x.Date, x.HubId, x.SessionId });
                });

            migrationBuilder.CreateTable(
                name: "ComplianceSessionDays",
                columns: table => new
                {
                    HubId = table.Column<int>(type: "INTEGER", nullable: false),
                    SessionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    StartingSlots = table.Column<int>(type: "INTEGER", nullable: false),
                    ExtendedMinutes = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    TouchingSlots = table.Column<int>(type: "INTEGER", nullable: false),
                    EveningCover = table.Column<string>(type: "TEXT", nullable: false)
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
