using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class HubBookingWindow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaximumBookingAheadHours",
                table: "Hubs",
                type: "integer",
                nullable: true);


            // Databases seeded before: Leicester City's hubs take bookings "same day or up to 48 hours in advance"
            // (004:668), as a fresh seed now sets them.
            migrationBuilder.Sql("""
                UPDATE "Hubs" SET "MaximumBookingAheadHours" = 48
                WHERE "CcgId" IN (SELECT "Id" FROM "Ccgs" WHERE "OdsCode" = '04C');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaximumBookingAheadHours",
                table: "Hubs");
        }
    }
}
