using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Forward.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ConsultationContactIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_Email_SubmittedUtc",
                table: "ConsultationRequests",
                columns: new[] { "Email", "SubmittedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsultationRequests_Mobile_SubmittedUtc",
                table: "ConsultationRequests",
                columns: new[] { "Mobile", "SubmittedUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ConsultationRequests_Email_SubmittedUtc",
                table: "ConsultationRequests");

            migrationBuilder.DropIndex(
                name: "IX_ConsultationRequests_Mobile_SubmittedUtc",
                table: "ConsultationRequests");
        }
    }
}
