using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NavigatorTrainingFormKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FormKey",
                table: "NavigatorTraining",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_NavigatorTraining_FormKey",
                table: "NavigatorTraining",
                column: "FormKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NavigatorTraining_FormKey",
                table: "NavigatorTraining");

            migrationBuilder.DropColumn(
                name: "FormKey",
                table: "NavigatorTraining");
        }
    }
}
