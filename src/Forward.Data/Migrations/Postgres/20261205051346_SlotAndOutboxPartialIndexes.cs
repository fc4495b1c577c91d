using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SlotAndOutboxPartialIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Slots_HubId_Status_StartUtc",
                table: "Slots");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_Status_DueUtc",
                table: "OutboxMessages");

            migrationBuilder.CreateIndex(
                name: "IX_Slots_Free_HubId_StartUtc",
                table: "Slots",
                columns: new[] { "HubId", "StartUtc" },
                filter: "\"Status\" = 'Free'");

            migrationBuilder.CreateIndex(
                name: "IX_Slots_HubId_StartUtc",
                table: "Slots",
                columns: new[] { "HubId", "StartUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Pending_DueUtc",
                table: "OutboxMessages",
                column: "DueUtc",
                filter: "\"Status\" = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Slots_Free_HubId_StartUtc",
                table: "Slots");

            migrationBuilder.DropIndex(
                name: "IX_Slots_HubId_StartUtc",
                table: "Slots");

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_Pending_DueUtc",
                table: "OutboxMessages");

            migrationBuilder.CreateIndex(
                name: "IX_Slots_HubId_Status_StartUtc",
                table: "Slots",
                columns: new[] { "HubId", "Status", "StartUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Status_DueUtc",
                table: "OutboxMessages",
                columns: new[] { "Status", "DueUtc" });
        }
    }
}
