using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
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
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OutcomeRecordedBy",
                table: "Appointments",
                type: "character varying(100)",
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
