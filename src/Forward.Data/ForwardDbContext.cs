using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Consultation;
using Forward.Domain.Hubs;
using Forward.Domain.Navigation;
using Forward.Domain.Notifications;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Forward.Data;

/// <summary>
/// Forward's database. One model, two providers: each provider has its own derived context so that EF keeps a separate
/// migrations history for SQLite (the embedded default) and PostgreSQL (production).
/// </summary>
public abstract class ForwardDbContext : DbContext
{
    protected ForwardDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<CareSystem> CareSystems => Set<CareSystem>();

    public DbSet<Ccg> Ccgs => Set<Ccg>();

    public DbSet<PrimaryCareNetwork> Networks => Set<PrimaryCareNetwork>();

    public DbSet<Practice> Practices => Set<Practice>();

    public DbSet<Hub> Hubs => Set<Hub>();

    public DbSet<HubPractice> HubPractices => Set<HubPractice>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SessionOverride> SessionOverrides => Set<SessionOverride>();

    public DbSet<Slot> Slots => Set<Slot>();

    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<Appointment> Appointments => Set<Appointment>();

    public DbSet<AppointmentSlot> AppointmentSlots => Set<AppointmentSlot>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<BankHoliday> BankHolidays => Set<BankHoliday>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<ConsultationRequest> ConsultationRequests => Set<ConsultationRequest>();

    public DbSet<ConsultationEvent> ConsultationEvents => Set<ConsultationEvent>();

    public DbSet<PracticeOnlineSettings> PracticeOnlineSettings => Set<PracticeOnlineSettings>();

    public DbSet<LocalService> LocalServices => Set<LocalService>();

    public DbSet<SignpostingRecord> SignpostingRecords => Set<SignpostingRecord>();

    public DbSet<NavigatorTraining> NavigatorTraining => Set<NavigatorTraining>();

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, committed when it returns, inside the execution strategy: on
    /// PostgreSQL a dropped connection retries the whole unit (the retrying strategy refuses a transaction begun outside it).
    /// </summary>
    public Task InTransactionAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Database.CreateExecutionStrategy().ExecuteAsync(
            async ct =>
            {
                await using var transaction = await Database.BeginTransactionAsync(ct);
                await work(ct);
                await transaction.CommitAsync(ct);
            },
            cancellationToken);
    }

    /// <summary>True on PostgreSQL; partial-index filters and a few SQL fragments differ by provider.</summary>
    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Every instant is UTC. SQLite hands DateTimes back as Unspecified; mark them UTC on the way in and out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ForwardDbContext).Assembly);

        // Partial unique index: at most one *active* hold per slot. This is the double-booking guard.
        var activeFilter = IsPostgres ? "\"IsActive\" = TRUE" : "\"IsActive\" = 1";
        modelBuilder.Entity<AppointmentSlot>()
            .HasIndex(x => x.SlotId)
            .IsUnique()
            .HasFilter(activeFilter)
            .HasDatabaseName("UX_AppointmentSlots_ActiveSlot");
    }

    private sealed class UtcConverter : ValueConverter<DateTime, DateTime>
    {
        public UtcConverter()
            // Unspecified is taken as UTC, as the bulk writers take it: converting it as the server's local time would move
            // it by the host's offset (an hour in a London summer), and only on this path.
            : base(v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
        {
        }
    }
}

/// <summary>SQLite flavour (embedded default).</summary>
public sealed class SqliteForwardDbContext(DbContextOptions<SqliteForwardDbContext> options) : ForwardDbContext(options);

/// <summary>PostgreSQL flavour (production).</summary>
public sealed class PostgresForwardDbContext(DbContextOptions<PostgresForwardDbContext> options) : ForwardDbContext(options);

/// <summary>An England bank holiday, copied into the database from the domain's data file so reports can join on it.</summary>
public class BankHoliday
{
    public DateOnly Date { get; set; }

    public required string Name { get; set; }
}
