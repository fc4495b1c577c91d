using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxPersonalisationUnlimited : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
