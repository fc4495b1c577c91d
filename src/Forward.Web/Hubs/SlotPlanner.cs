using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Hubs;

public sealed class SlotOptions
{
    /// <summary>How many days ahead slots exist; booking windows must fit inside it.</summary>
    public int HorizonDays { get; set; } = 28;

    /// <summary>A year: every day of it is planned at start and every 6 hours, for every hub.</summary>
    public const int MaxHorizonDays = 366;

    /// <summary>
    /// What is wrong with the horizon, or null. Slots exist only this many days ahead, so a horizon shorter than a
    /// booking window silently stops bookings short of it (0 plans today alone). <paramref name="windowsMustFit"/> is false
    /// only for the test host, which plans the seeded hubs for a couple of days and makes the slots each test books.
    /// </summary>
    public string? Problem(BookingPolicy policy, bool windowsMustFit)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (HorizonDays is < 1 or > MaxHorizonDays)
        {
            return $"Forward:Slots:HorizonDays must be a whole number of days from 1 to {MaxHorizonDays}, or not set.";
        }

        var (channel, longest) = policy.Windows.MaxBy(w => w.Value.MaximumAhead);
        var daysNeeded = Math.Ceiling(longest.MaximumAhead.TotalDays);
        return windowsMustFit && HorizonDays < daysNeeded
            ? $"Forward:Slots:HorizonDays ({HorizonDays}) must be at least {daysNeeded:0}, the longest booking window (Forward:Booking:Windows:{channel}:MaximumAhead, {longest.MaximumAhead}) in days: slots are planned only that far ahead, so bookings would stop short of the window."
            : null;
    }
}

/// <summary>What a plan changed: slots added, withdrawn, restored, and free ones given the rota's new shape.</summary>
public sealed record SlotPlanResult(int Added, int Withdrawn, int Restored, int Reshaped)
{
    public static readonly SlotPlanResult None = new(0, 0, 0, 0);

    public SlotPlanResult Plus(SlotPlanResult other) =>
        new(Added + other.Added, Withdrawn + other.Withdrawn, Restored + other.Restored, Reshaped + other.Reshaped);
}

/// <summary>Keeps the stored slots in step with the rota over the rolling horizon. Safe to run any number of times.</summary>
public sealed class SlotPlanner(ForwardDbContext db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SlotOptions> options)
{
    public int HorizonDays => options.Value.HorizonDays;

    /// <summary>From today to today + horizon, for one hub or all of them.</summary>
    public Task<SlotPlanResult> RefreshAsync(int? hubId = null, CancellationToken cancellationToken = default)
    {
        var today = London.Today(clock);
        return PlanAsync(today, today.AddDays(HorizonDays), hubId, cancellationToken);
    }

    /// <summary>
    /// From <paramref name="from"/> to <paramref name="to"/>, a fortnight at a time: what one window reads, plans and writes
    /// is garbage by the next, so the memory it takes does not grow with the horizon (a first start plans every hub's
    /// slots; the heap that grows to hold them stays with the process).
    /// </summary>
    public async Task<SlotPlanResult> PlanAsync(DateOnly from, DateOnly to, int? hubId = null, CancellationToken cancellationToken = default)
    {
        // Part of a larger change (a rota edit): every window commits, or rolls back, with that change, and the whole
        // range is taken at once, in id order, as a booking group takes its slots; taken window by window, a group
        // holding slots in two windows could deadlock it.
        var partOfChange = db.Database.CurrentTransaction is not null;
        if (partOfChange)
        {
            await TakeAsync(hubId, from, to, cancellationToken);
        }

        var total = SlotPlanResult.None;
        for (var start = from; start <= to; start = start.AddDays(WindowDays))
        {
            var last = start.AddDays(WindowDays - 1);
            var end = last < to ? last : to;
            var window = partOfChange
                ? await PlanInTransactionAsync(start, end, hubId, cancellationToken)
                : await PlanWindowAsync(start, end, hubId, cancellationToken);
            total = total.Plus(window);
        }

        return total;
    }

    private const int WindowDays = 14;

    /// <summary>
    /// Takes the hub and (PostgreSQL) its slots on the dates given, in this transaction, before it changes any of them:
    /// for a change that frees booked slots and then plans those dates (a cancellation), so it takes them in the order a
    /// rota change does.
    /// </summary>
    public Task HoldAsync(int hubId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Slots are held for a transaction; there is none.");
        }

        return TakeAsync(hubId, from, to, cancellationToken);
    }

    /// <summary>
    /// One window in a transaction of its own, retried whole if a PostgreSQL connection drops. Most windows of a horizon
    /// refresh have nothing to change (the horizon moved on a day), so the window is first planned without holding
    /// anything: bookings in those dates never wait for the planner (on PostgreSQL they would wait for its hold on the
    /// slots, on SQLite for the write lock). Only a window with something to change is planned again under the locks,
    /// from what is stored then. Skipping on a stale look is safe: a rota change plans its own dates inside its own
    /// transaction, and a booking never needs the planner.
    /// </summary>
    private async Task<SlotPlanResult> PlanWindowAsync(DateOnly from, DateOnly to, int? hubId, CancellationToken cancellationToken)
    {
        if ((await ReconcileAsync(from, to, hubId, cancellationToken)).Plan.ChangesNothing)
        {
            return SlotPlanResult.None;
        }

        var result = SlotPlanResult.None;
        await db.InTransactionAsync(
            async ct =>
            {
                await TakeAsync(hubId, from, to, ct);
                result = await PlanInTransactionAsync(from, to, hubId, ct);
            },
            cancellationToken);
        return result;
    }

    /// <summary>
    /// Reads the rota and the stored slots, and writes the difference, all after the hubs were taken: a rota change that
    /// committed between reading the sessions and writing the slots would otherwise be planned over (a closed date's
    /// withdrawn slots restored as free, or a stopped session's slots written again).
    /// Bookings do not take the hubs, so on PostgreSQL the hubs' slots are held too (FOR UPDATE), before they are read: a
    /// slot read as free and booked before the plan is written would have the new layout's slots laid over it (a
    /// clinician booked twice). A booking group reads its slots FOR NO KEY UPDATE, so it waits for the plan, then sees
    /// its slots as the plan (and the rota change's reshaping) left them: status, length, role and mode.
    /// On SQLite the transaction holds the write lock from its start, and a booking group reads inside its own.
    /// </summary>
    private async Task<SlotPlanResult> PlanInTransactionAsync(DateOnly from, DateOnly to, int? hubId, CancellationToken cancellationToken)
    {
        var (plan, hubIds) = await ReconcileAsync(from, to, hubId, cancellationToken);
        if (plan.ChangesNothing)
        {
            return SlotPlanResult.None;
        }

        await ApplyAsync(plan, hubIds, from, to, cancellationToken);

        // A restored slot given a new shape is counted once, as restored.
        var restored = plan.ToRestore.ToHashSet();
        return new SlotPlanResult(plan.ToAdd.Count, plan.ToWithdraw.Count, plan.ToRestore.Count, plan.ToReshape.Count(r => !restored.Contains(r.SlotId)));
    }

    /// <summary>What would change between the rota and the stored slots in the dates given, and at which hubs.</summary>
    private async Task<(SlotReconciliation Plan, IReadOnlyCollection<int> HubIds)> ReconcileAsync(DateOnly from, DateOnly to, int? hubId, CancellationToken cancellationToken)
    {
        var sessionsQuery = db.Sessions.AsNoTracking().Include(s => s.Overrides).AsQueryable();
        if (hubId is { } id)
        {
            sessionsQuery = sessionsQuery.Where(s => s.HubId == id);
        }

        var sessions = await sessionsQuery.ToListAsync(cancellationToken);
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var fromUtc = London.StartOfDayUtc(from);
        var toUtc = London.StartOfDayUtc(to.AddDays(1));

        var existing = await db.Slots
            .TagWith(StoredSlotsTag)
            .Where(s => sessionIds.Contains(s.SessionId) && s.StartUtc >= fromUtc && s.StartUtc < toUtc)
            .Select(s => new { s.Id, s.SessionId, s.ClinicianIndex, s.StartUtc, s.EndUtc, s.Role, s.Mode, s.Status })
            .ToListAsync(cancellationToken);

        var planned = sessions.SelectMany(s => SlotGenerator.Generate(s, from, to, BankHolidayCalendar.England));
        var plan = SlotReconciler.Reconcile(
            planned,
            existing.Select(e => new StoredSlot(e.Id, new SlotKey(e.SessionId, e.ClinicianIndex, e.StartUtc), e.EndUtc, e.Role, e.Mode, e.Status)),
            clock.GetUtcNow().UtcDateTime);
        return (plan, sessions.Select(s => s.HubId).Distinct().ToList());
    }

    /// <summary>Marks the planner's read of the stored slots, for tests that interleave a booking with it.</summary>
    public const string StoredSlotsTag = "slot planner: stored slots";

    /// <summary>
    /// Takes the hubs (one, or all of them), then (PostgreSQL) their slots from <paramref name="from"/> to
    /// <paramref name="to"/> in id order (FOR UPDATE), as a booking group takes its slots (read FOR NO KEY UPDATE in id
    /// order).
    /// </summary>
    private async Task TakeAsync(int? hubId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        List<int> hubs = hubId is { } one ? [one] : await db.Hubs.AsNoTracking().Select(h => h.Id).ToListAsync(cancellationToken);
        await ComplianceDayStore.LockHubsAsync(db, hubs, cancellationToken);
        if (db.IsPostgres && hubs.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync(
                "SELECT 1 FROM \"Slots\" WHERE \"HubId\" = ANY({0}) AND \"StartUtc\" >= {1} AND \"StartUtc\" < {2} ORDER BY \"Id\" FOR UPDATE",
                [hubs.Distinct().ToArray(), London.StartOfDayUtc(from), London.StartOfDayUtc(to.AddDays(1))],
                cancellationToken);
        }
    }

    private async Task ApplyAsync(SlotReconciliation plan, IReadOnlyCollection<int> hubIds, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await SlotBulkWriter.InsertAsync(db, plan.ToAdd.Select(p => p.ToFreeSlot()).ToList(), cancellationToken);

        // Only free slots are withdrawn: the status check is repeated in SQL so a booking that lands meanwhile wins.
        foreach (var chunk in plan.ToWithdraw.Chunk(500))
        {
            await db.Slots.Where(s => chunk.Contains(s.Id) && s.Status == SlotStatus.Free)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Withdrawn), cancellationToken);
        }

        foreach (var chunk in plan.ToRestore.Chunk(500))
        {
            await db.Slots.Where(s => chunk.Contains(s.Id) && s.Status == SlotStatus.Withdrawn)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Free), cancellationToken);
        }

        // One statement a slot, each having its own end; only after a change of slot length, role or mode. Booked slots
        // keep their shape (the status is checked again in SQL, so a booking that landed meanwhile keeps what it booked).
        foreach (var (slotId, shape) in plan.ToReshape)
        {
            await db.Slots.Where(s => s.Id == slotId && s.Status != SlotStatus.Booked)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndUtc, shape.EndUtc).SetProperty(s => s.Role, shape.Role).SetProperty(s => s.Mode, shape.Mode), cancellationToken);
        }

        // A slot starting on the last date may run past midnight into the next.
        await ComplianceDayStore.RefreshSessionDaysAsync(db, hubIds, from, to.AddDays(1), cancellationToken);
    }
}

/// <summary>Rolls the slot horizon forward once a day so there are always bookable slots ahead.</summary>
public sealed class SlotHorizonService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SlotHorizonService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(6), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<SlotPlanner>().RefreshAsync(cancellationToken: stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Next tick tries again; a failed refresh leaves existing slots as they were.
                LogRefreshFailed(logger, ex);
            }
        }
    }

    private static readonly Action<ILogger, Exception?> LogRefreshFailedMessage =
        LoggerMessage.Define(LogLevel.Warning, new EventId(1, "SlotRefreshFailed"), "Slot horizon refresh failed");

    private static void LogRefreshFailed(ILogger logger, Exception ex) => LogRefreshFailedMessage(logger, ex);
}
