using Forward.Web.Booking;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// <c>Forward:Booking:Writers</c> sets how many booking groups PostgreSQL writes at once. A value that is not a whole
/// number from 1 to 8 stops start-up with the setting's name, rather than breaking every booking later; SQLite, which
/// writes one transaction at a time, always has one writer.
/// </summary>
public sealed class BookingWritersSettingTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("9")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData(" 2")]
    [InlineData("")]
    public void A_writer_count_outside_1_to_8_stops_start_up_and_names_the_setting(string writers)
    {
        using var factory = new ForwardFactory();

        // PostgreSQL is where the setting applies; start-up stops before anything connects, so no server is needed.
        using var configured = factory.WithWebHostBuilder(b => b
            .UseSetting("Forward:Database:Provider", "Postgres")
            .UseSetting("ConnectionStrings:Forward", "Host=127.0.0.1;Port=1;Database=never_opened")
            .UseSetting("Forward:Booking:Writers", writers));

        var refused = Assert.Throws<InvalidOperationException>(() => configured.CreateClient());
        Assert.Contains("Forward:Booking:Writers must be a whole number from 1 to 8", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_count_in_range_is_used_on_PostgreSQL_and_ignored_on_SQLite()
    {
        using var factory = new ForwardFactory();
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("Forward:Booking:Writers", "3"));
        configured.CreateClient().Dispose();

        var batcher = configured.Services.GetRequiredService<BookingBatcher>();
        Assert.Equal(factory.Database.IsPostgres ? 3 : 1, batcher.Writers);
    }
}
