using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditEventActingCcg : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The log is append-only: its trigger is lifted for this backfill only, in the migration's transaction.
            migrationBuilder.Sql("ALTER TABLE \"AuditEvents\" DISABLE TRIGGER \"AuditEvents_NoUpdateOrDelete\";");
            migrationBuilder.Sql(AuditEventScopeSql.StampActingUsersCcg);
            migrationBuilder.Sql("ALTER TABLE \"AuditEvents\" ENABLE TRIGGER \"AuditEvents_NoUpdateOrDelete\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the values stay, and the column goes with AuditEventScope's Down.
        }
    }
}
