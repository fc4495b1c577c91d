using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers <see cref="ForwardDbContext"/> for the provider named in configuration "Forward:Database:Provider"
    /// (Sqlite by default) with the connection string "ConnectionStrings:Forward". With no connection string, SQLite
    /// uses forward.db under "Forward:DataDirectory" (./data by default). Contexts are pooled: every request uses one,
    /// and building its options and internal services afresh each time was a measurable share of a booking's CPU.
    /// </summary>
    public static DatabaseProvider AddForwardDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Trimmed, as a value from a compose or .env file easily carries a space.
        var providerName = configuration["Forward:Database:Provider"]?.Trim() ?? "Sqlite";

        // By name only: Enum.TryParse also takes a number ("5" is no provider and was taken as Postgres) and a comma list.
        var provider = Enum.GetNames<DatabaseProvider>().FirstOrDefault(n => string.Equals(n, providerName, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<DatabaseProvider>(name)
            : throw new InvalidOperationException($"Forward:Database:Provider must be Sqlite or Postgres, not '{providerName}'.");

        var connectionString = configuration.GetConnectionString("Forward");
        if (provider == DatabaseProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var dataDirectory = Path.GetFullPath(configuration["Forward:DataDirectory"] ?? "data", contentRoot);
                Directory.CreateDirectory(dataDirectory);
                connectionString = $"Data Source={Path.Combine(dataDirectory, "forward.db")}";
            }

            // A generous busy timeout: concurrent writers queue for SQLite's single write lock instead of failing; past it
            // the request answers 503 (Forward:Database:SqliteBusyTimeoutSeconds, 1 to 300, default 30).
            var busySeconds = WholeNumberSetting.Read(configuration, "Forward:Database:SqliteBusyTimeoutSeconds", unset: 30, min: 1, max: 300, unit: "seconds");
            var builder = Read("SQLite", () => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = busySeconds, Pooling = true });

            services.AddSingleton(_ => new SqliteWriteGate(TimeSpan.FromSeconds(busySeconds)));
            var sqlite = builder.ToString();

            // SQLite's own page cache size is kept: a bigger one (32 MB) was tried under the booking benchmark, no faster
            // and 60 MB more memory. The booking writer keeps temporary storage in memory for its groups (SqliteTempStore).
            services.AddDbContextPool<ForwardDbContext, SqliteForwardDbContext>(o => SkipPendingModelCheck(o.UseSqlite(sqlite, x => x.MigrationsHistoryTable("__EFMigrationsHistory"))));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Set ConnectionStrings__Forward to use PostgreSQL.");
            }

            Read("PostgreSQL", () => new Npgsql.NpgsqlConnectionStringBuilder(connectionString));

            services.AddSingleton(_ => new SqliteWriteGate(Timeout.InfiniteTimeSpan));
            // A dropped connection or a restarting server is retried a few times, quickly, inside the request (every
            // transaction runs in the execution strategy); past that the request answers 503 database-unavailable and the
            // client retries. Bounded so a request never hangs for long on a database that stays away
            // (Forward:Database:PostgresRetries, 0 to 10, default 3; 0 turns retrying off).
            var retries = WholeNumberSetting.Read(configuration, "Forward:Database:PostgresRetries", unset: 3, min: 0, max: 10, unit: "retries");
            services.AddDbContextPool<ForwardDbContext, PostgresForwardDbContext>(o => SkipPendingModelCheck(o.UseNpgsql(
                connectionString,
                x =>
                {
                    if (retries > 0)
                    {
                        x.EnableRetryOnFailure(maxRetryCount: retries, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null);
                    }
                })));
        }

        return provider;
    }

    /// <summary>
    /// The connection string read by its driver's builder at start. The builder names the keyword or value it could not
    /// take, but not where the string came from.
    /// </summary>
    private static T Read<T>(string driver, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new InvalidOperationException($"ConnectionStrings:Forward is not a valid {driver} connection string: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Migrating, EF first compares the model with the last migration's snapshot, building the snapshot's whole model: about
    /// a tenth of a second of every start, which has a 3 s target. The suite makes that comparison for both providers
    /// (MigrationsTests), so a model change without its migration fails CI instead of a start.
    /// </summary>
    private static DbContextOptionsBuilder SkipPendingModelCheck(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
}
