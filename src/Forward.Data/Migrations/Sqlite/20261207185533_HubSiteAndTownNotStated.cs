using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HubSiteAndTownNotStated : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Databases seeded before held a note as these hubs' site or town: now null, as a fresh seed leaves them. A
            // migration of its own, after HubSiteAndTownNullable: SQLite rebuilds the table at the end of a migration, so
            // in the same one the nulls would be written while the columns were still required.
            foreach (var statement in HubSiteNotStatedSql.Up())
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in HubSiteNotStatedSql.Down())
            {
                migrationBuilder.Sql(statement);
            }
        }
    }
}
