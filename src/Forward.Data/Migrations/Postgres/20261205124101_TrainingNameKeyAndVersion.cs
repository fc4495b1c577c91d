using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TrainingNameKeyAndVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NavigatorTraining_PracticeId_StaffName",
                table: "NavigatorTraining");

            migrationBuilder.AddColumn<string>(
                name: "StaffNameKey",
                table: "NavigatorTraining",
                type: "character varying(120)",
                maxLength: 120,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "NavigatorTraining",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Existing records get their key in SQL, the same on both databases: trimmed, runs of up to eight spaces made
            // one, upper case (ASCII only on SQLite; the next save of a record recomputes its key in .NET). Where two
            // records of a practice already share a key, all but the first get their id appended, so the unique index
            // can be built and nothing is lost: the register shows both, and saving the later one asks for a new name.
            migrationBuilder.Sql("""
                UPDATE "NavigatorTraining"
                SET "StaffNameKey" = UPPER(REPLACE(REPLACE(REPLACE(TRIM("StaffName"), '  ', ' '), '  ', ' '), '  ', ' '));
                """);
            migrationBuilder.Sql("""
                UPDATE "NavigatorTraining"
                SET "StaffNameKey" = "StaffNameKey" || ' #' || CAST("Id" AS TEXT)
                WHERE EXISTS (
                    SELECT 1 FROM "NavigatorTraining" AS earlier
                    WHERE earlier."PracticeId" = "NavigatorTraining"."PracticeId"
                      AND earlier."StaffNameKey" = "NavigatorTraining"."StaffNameKey"
                      AND earlier."Id" < "NavigatorTraining"."Id");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_NavigatorTraining_PracticeId_StaffNameKey",
                table: "NavigatorTraining",
                columns: new[] { "PracticeId", "StaffNameKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NavigatorTraining_PracticeId_StaffNameKey",
                table: "NavigatorTraining");

            migrationBuilder.DropColumn(
                name: "StaffNameKey",
                table: "NavigatorTraining");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "NavigatorTraining");

            migrationBuilder.CreateIndex(
                name: "IX_NavigatorTraining_PracticeId_StaffName",
                table: "NavigatorTraining",
                columns: new[] { "PracticeId", "StaffName" });
        }
    }
}
