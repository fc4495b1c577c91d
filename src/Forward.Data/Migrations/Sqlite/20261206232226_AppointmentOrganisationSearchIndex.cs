using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AppointmentOrganisationSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Searches by organisation now compare the code as stored: codes booked before in other than capitals are
            // put in capitals, as bookings now store them.
            migrationBuilder.Sql("UPDATE \"Appointments\" SET \"BookingOrganisationOds\" = upper(\"BookingOrganisationOds\") WHERE \"BookingOrganisationOds\" <> upper(\"BookingOrganisationOds\");");

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_BookingOrganisationOds_StartUtc",
                table: "Appointments",
                columns: new[] { "BookingOrganisationOds", "StartUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Appointments_BookingOrganisationOds_StartUtc",
                table: "Appointments");
        }
    }
}
