using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HubRemindersSince : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RemindersSinceUtc",
                table: "Hubs",
                type: "timestamp with time zone",
                nullable: true);

            // When each hub's reminders began, from the reminders already sent.
            migrationBuilder.Sql("""
                UPDATE "Hubs" SET "RemindersSinceUtc" = (
                    SELECT MIN(a."StartUtc") FROM "Appointments" a
                    WHERE a."HubId" = "Hubs"."Id"
                      AND EXISTS (SELECT 1 FROM "OutboxMessages" m WHERE m."AppointmentId" = a."Id" AND m."Kind" = 'Reminder' AND m."Status" = 'Sent'))
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RemindersSinceUtc",
                table: "Hubs");
        }
    }
}
