using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditEventActingCcg : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The log is append-only: its update trigger is lifted for this backfill only, in the migration's transaction.
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"AuditEvents_NoUpdate\";");
            migrationBuilder.Sql(AuditEventScopeSql.StampActingUsersCcg);
            migrationBuilder.Sql("CREATE TRIGGER \"AuditEvents_NoUpdate\" BEFORE UPDATE ON \"AuditEvents\" BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the values stay, and the column goes with AuditEventScope's Down.
        }
    }
}
