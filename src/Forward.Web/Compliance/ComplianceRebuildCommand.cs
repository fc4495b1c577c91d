using System.Diagnostics;
using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;

namespace Forward.Web.Compliance;

/// <summary>
/// <c>./forward.sh compliance-rebuild</c>: throws the compliance day summaries away and makes them again from every slot
/// and appointment, in one transaction. Forward keeps them in step itself; this is for after rows were changed behind its
/// back (a bulk load, a manual repair), so the reports agree with the appointments again. Run it with Forward stopped:
/// on SQLite it holds the write lock throughout, and on PostgreSQL a booking committed while it runs is not guaranteed
/// to be counted exactly once. Prints counts only.
/// </summary>
public static class ComplianceRebuildCommand
{
    public const string Verb = "compliance-rebuild";

    public static bool IsCommand(string[] args) => args is [Verb, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder([.. args.Skip(1)]);
        builder.AddForward();
        await using var app = builder.Build();
        var watch = Stopwatch.StartNew();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();

        // Brought up to date, but not seeded or planned: the rebuild summarises the rows as they are.
        await DatabaseInitializer.MigrateAsync(db);
        var (sessionDays, appointmentDays) = (0, 0);
        await db.InTransactionAsync(async ct => (sessionDays, appointmentDays) = await ComplianceDayStore.RebuildAsync(db, ct));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Compliance day summaries rebuilt: {sessionDays:N0} session days, {appointmentDays:N0} appointment days; {watch.Elapsed.TotalSeconds:F1} s."));
        return 0;
    }
}
