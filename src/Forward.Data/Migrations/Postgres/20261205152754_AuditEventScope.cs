using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditEventScope : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CcgId",
                table: "AuditEvents",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PracticeId",
                table: "AuditEvents",
                type: "integer",
                nullable: true);

            // The log is append-only (a trigger refuses updates): lifted for this backfill of the new columns only, inside
            // the migration's transaction, and put back.
            migrationBuilder.Sql("ALTER TABLE \"AuditEvents\" DISABLE TRIGGER \"AuditEvents_NoUpdateOrDelete\";");
            foreach (var statement in AuditEventScopeSql.Statements)
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.Sql("ALTER TABLE \"AuditEvents\" ENABLE TRIGGER \"AuditEvents_NoUpdateOrDelete\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CcgId",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "PracticeId",
                table: "AuditEvents");
        }
    }
}
