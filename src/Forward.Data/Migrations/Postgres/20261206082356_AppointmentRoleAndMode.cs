using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AppointmentRoleAndMode : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Mode",
                table: "Appointments",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "Appointments",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");


            // Appointments booked before now take the role and mode of their first slot. For a booked appointment that is
            // the shape it was booked in; a cancelled one whose freed slot the previous version reshaped to a changed
            // rota gets the new shape (the old one is nowhere else), as its view already showed.
            migrationBuilder.Sql("""
                UPDATE "Appointments" SET
                    "Role" = COALESCE((SELECT s."Role" FROM "AppointmentSlots" x JOIN "Slots" s ON s."Id" = x."SlotId"
                        WHERE x."AppointmentId" = "Appointments"."Id" ORDER BY s."StartUtc", s."Id" LIMIT 1), 'GeneralPractitioner'),
                    "Mode" = COALESCE((SELECT s."Mode" FROM "AppointmentSlots" x JOIN "Slots" s ON s."Id" = x."SlotId"
                        WHERE x."AppointmentId" = "Appointments"."Id" ORDER BY s."StartUtc", s."Id" LIMIT 1), 'FaceToFace');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Mode",
                table: "Appointments");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "Appointments");
        }
    }
}
