using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AppointmentCancelledByAndOutcomeRecordedBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CancelledBy",
                table: "Appointments",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutcomeRecordedBy",
                table: "Appointments",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CancelledBy",
                table: "Appointments");

            migrationBuilder.DropColumn(
                name: "OutcomeRecordedBy",
                table: "Appointments");
        }
    }
}
