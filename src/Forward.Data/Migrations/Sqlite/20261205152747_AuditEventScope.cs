using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PracticeId",
                table: "AuditEvents",
                type: "INTEGER",
                nullable: true);

            // The log is append-only (triggers refuse updates): lifted for this backfill of the new columns only, inside
            // the migration's transaction, and put back as they were.
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"AuditEvents_NoUpdate\";");
            foreach (var statement in AuditEventScopeSql.Statements)
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.Sql("CREATE TRIGGER \"AuditEvents_NoUpdate\" BEFORE UPDATE ON \"AuditEvents\" BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite drops these plain columns in place; EF's DropColumn would rebuild the table, and its triggers with it.
            migrationBuilder.Sql("ALTER TABLE \"AuditEvents\" DROP COLUMN \"CcgId\";");
            migrationBuilder.Sql("ALTER TABLE \"AuditEvents\" DROP COLUMN \"PracticeId\";");
        }
    }
}
