using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain;
using Forward.Domain.Audit;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Audit;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Hubs;

/// <summary>A session as a commissioner enters it. Missing values are allowed here and reported by validation.</summary>
public sealed record SessionInput(
    string? Name,
    SessionDays Days,
    TimeOnly? StartTime,
    TimeOnly? EndTime,
    ClinicianRole? Role,
    DeliveryMode? Mode,
    int? SlotMinutes,
    int? Clinicians,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil);

/// <summary>The booking window a form showed when it was opened (<see cref="Hours"/> null: each channel's own).</summary>
public sealed record BookingWindowShown(int? Hours);

/// <summary>A one-off change to a session on one date: closed (with a reason) or an extra clinic.</summary>
public sealed record OverrideInput(DateOnly? Date, SessionOverrideKind? Kind, string? Reason);

public sealed record SessionOverrideView(int Id, int SessionId, string SessionName, DateOnly Date, SessionOverrideKind Kind, string? Reason, bool SessionActive = true)
{
    /// <summary>What the date does, as the rota pages list it: a deactivated session's extra date runs no clinic.</summary>
    public string Describe() => (Kind == SessionOverrideKind.Closed ? "Closed" : "Extra session") + (SessionActive ? string.Empty : " (not running: the session is deactivated)");
}

/// <summary>
/// A session as the edit form shows it, with its hub and its coming closed and extra dates, and the version a save from
/// this form must still find.
/// </summary>
public sealed record SessionEditView(int Id, int HubId, string HubName, SessionInput Values, bool IsActive, int Version, IReadOnlyList<SessionOverrideView> Overrides);

/// <summary>A hub with its rota, the practices it serves and the coming closed and extra dates of its sessions.</summary>
public sealed record RotaView(HubDetail Detail, IReadOnlyList<SessionOverrideView> Overrides);

/// <summary>
/// What a rota change did: the session it touched, the slot regeneration's counts (among them the free slots brought in
/// line with the session's new role, mode or length), and the booked appointments the rota no longer has as they were
/// booked (kept, never deleted: those patients need to be contacted; the hub's day list marks them). A change
/// <see cref="AlreadySaved"/> (the same form sent again) was made by an earlier send, whose answer may never have
/// arrived: its counts are not the change's, and <see cref="BookedOutsideRota"/> is every booking the session's rota
/// leaves out, not only those this send left out (none), so the warning the first answer carried is not lost.
/// <see cref="DatesWithNoSlot"/>, of a session added or saved, are the dates from today it runs on but offers no
/// appointment on, because the clocks go forward that night and skip its times.
/// </summary>
public sealed record RotaChange(int HubId, int SessionId, string SessionName, SlotPlanResult Slots, IReadOnlyList<long> BookedOutsideRota, bool AlreadySaved = false, IReadOnlyList<DateOnly>? DatesWithNoSlot = null);

/// <summary>
/// Commissioners' changes to hub rotas: sessions and their closed and extra dates. Each change is authorised against the
/// commissioner's CCG and made in one transaction with its audit record, the slot regeneration that lets booking see it
/// at once, and the compliance day summaries of the slots it reshapes: all of it lands or none of it does. Regeneration
/// never deletes or doubles a booked slot (see <see cref="SlotPlanner"/>).
/// </summary>
public sealed class RotaService(ForwardDbContext db, AuditLog audit, SlotPlanner planner, TimeProvider clock, SqliteWriteGate writeGate)
{
    public const int MaxReasonLength = 200;

    /// <summary>The hubs of the commissioner's CCG.</summary>
    public async Task<IReadOnlyList<HubSummary>> ListHubsAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        EnsureCommissioner(actor);
        return await HubsApi.WithBookableHoursAsync(db, await HubsApi.HubSummaries(db.Hubs.Where(h => h.CcgId == actor.CcgId)).ToListAsync(cancellationToken), London.Today(clock), cancellationToken);
    }

    public async Task<RotaView> GetRotaAsync(int hubId, Actor actor, CancellationToken cancellationToken = default)
    {
        await EnsureCanManageHubAsync(hubId, actor, cancellationToken);
        var today = London.Today(clock);
        var detail = await HubsApi.GetHubDetailAsync(db, hubId, today, cancellationToken);
        var overrides = await db.SessionOverrides.AsNoTracking()
            .Where(o => o.Session!.HubId == hubId && o.Date >= today)
            .OrderBy(o => o.Date).ThenBy(o => o.Session!.Name)
            .Select(o => new SessionOverrideView(o.Id, o.SessionId, o.Session!.Name, o.Date, o.Kind, o.Reason, o.Session.IsActive))
            .ToListAsync(cancellationToken);
        return new RotaView(detail, overrides);
    }

    /// <summary>The hub a new session would be added to.</summary>
    public async Task<HubSummary> GetHubAsync(int hubId, Actor actor, CancellationToken cancellationToken = default)
    {
        await EnsureCanManageHubAsync(hubId, actor, cancellationToken);
        return await HubsApi.HubSummaries(db.Hubs.Where(h => h.Id == hubId)).FirstAsync(cancellationToken);
    }

    public async Task<SessionEditView> GetSessionAsync(int sessionId, Actor actor, CancellationToken cancellationToken = default)
    {
        var session = await LoadSessionAsync(sessionId, actor, cancellationToken);
        var today = London.Today(clock);
        var hubName = await db.Hubs.Where(h => h.Id == session.HubId).Select(h => h.Name).FirstAsync(cancellationToken);
        var overrides = session.Overrides.Where(o => o.Date >= today).OrderBy(o => o.Date)
            .Select(o => new SessionOverrideView(o.Id, o.SessionId, session.Name, o.Date, o.Kind, o.Reason, session.IsActive)).ToList();
        var values = new SessionInput(session.Name, session.Days, session.StartTime, session.EndTime, session.Role, session.Mode, session.SlotMinutes, session.Clinicians, session.ValidFrom, session.ValidUntil);
        return new SessionEditView(session.Id, session.HubId, hubName, values, session.IsActive, session.Version, overrides);
    }

    /// <summary>Field → message for each problem with a session as entered (field names are <see cref="SessionInput"/>'s).</summary>
    public static Dictionary<string, string> Validate(SessionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);

        // Stand-ins for missing values never cause an error of their own; the "enter ..." messages below replace any they cause.
        var errors = Session.Validate(
            input.Name?.Trim(),
            input.Days,
            input.StartTime ?? TimeOnly.MinValue,
            input.EndTime ?? TimeOnly.MinValue,
            input.SlotMinutes ?? Session.MinSlotMinutes,
            input.Clinicians ?? 1,
            input.ValidFrom ?? DateOnly.MinValue,
            input.ValidUntil);
        if ((input.Days & ~AllDays) != SessionDays.None)
        {
            errors["Days"] = "Select days from the list";
        }

        if (input.Name is { } name && name.Any(char.IsControl))
        {
            errors["Name"] = "Session name must not contain control characters";
        }

        if (input.StartTime is null)
        {
            errors["StartTime"] = "Enter the time the session starts";
        }

        if (input.EndTime is null)
        {
            errors["EndTime"] = "Enter the time the session ends";
        }

        if ((input.StartTime is null || input.EndTime is null) && input.SlotMinutes is >= Session.MinSlotMinutes and <= Session.MaxSlotMinutes)
        {
            // Whether a slot fits the session can only be told once both times are known.
            errors.Remove("SlotMinutes");
        }

        if (input.Role is not { } role || !Enum.IsDefined(role))
        {
            errors["Role"] = "Select the clinician who runs the session";
        }

        if (input.Mode is not { } mode || !Enum.IsDefined(mode))
        {
            errors["Mode"] = "Select how patients are seen";
        }

        if (input.SlotMinutes is null)
        {
            errors["SlotMinutes"] = "Enter the length of each slot in minutes";
        }

        if (input.Clinicians is null)
        {
            errors["Clinicians"] = "Enter how many clinicians work the session at the same time";
        }

        if (input.ValidFrom is null)
        {
            errors["ValidFrom"] = "Enter the date the session starts running";
        }
        else if (!DateBounds.Allows(input.ValidFrom))
        {
            errors["ValidFrom"] = DateBounds.Message;
        }

        if (!DateBounds.Allows(input.ValidUntil))
        {
            errors["ValidUntil"] = DateBounds.Message;
        }

        // Accepted, a session whose every date is a night the clocks skip its times would be saved with no slot and no
        // word why. (Only a session as entered, complete, can be laid out.)
        if (errors.Count > 0)
        {
            return errors;
        }

        var session = Applied(new Session { Name = string.Empty }, input);
        if (SlotGenerator.OffersNoSlot(session, BankHolidayCalendar.England))
        {
            var lost = SlotGenerator.DatesWithNoSlot(session, session.ValidFrom, session.ValidUntil!.Value, BankHolidayCalendar.England);
            errors["StartTime"] = $"These times do not happen on {Listed(lost)}: the clocks go forward an hour {(lost.Count == 1 ? "that night" : "on those nights")} and skip them, so the session would offer no appointments. Change its times or dates";
        }

        return errors;
    }

    /// <summary>
    /// Adds a session from the "add a session" form whose key is <paramref name="formKey"/>: the same form sent again
    /// (back and send, a retry) finds the session it added instead of adding another.
    /// </summary>
    public async Task<RotaChange> CreateSessionAsync(int hubId, SessionInput input, string? formKey, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await EnsureCanManageHubAsync(hubId, actor, cancellationToken);
        var errors = Validate(input);
        if (formKey is not null && !FormKeys.IsWellFormed(formKey))
        {
            errors[string.Empty] = "Add the session from the form on this page";
        }

        ValidationFailedException.ThrowIfAny(errors);
        try
        {
            return await CreateOnceAsync(hubId, input, formKey, actor, cancellationToken);
        }
        catch (DbUpdateException ex) when (formKey is not null && DbErrors.IsUniqueViolation(ex))
        {
            // The same form sent at the same moment (PostgreSQL): the other one added it; this one now finds it.
            db.ChangeTracker.Clear();
            return await CreateOnceAsync(hubId, input, formKey, actor, cancellationToken);
        }
    }

    private Task<RotaChange> CreateOnceAsync(int hubId, SessionInput input, string? formKey, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(
            actor,
            null,
            async ct =>
            {
                var session = new Session { HubId = hubId, Name = input.Name!.Trim(), FormKey = formKey };
                Apply(session, input);
                if (formKey is not null && await db.Sessions.AsNoTracking().Include(x => x.Overrides).FirstOrDefaultAsync(x => x.FormKey == formKey, ct) is { } added)
                {
                    // A key is made for one hub's form: used for another hub, it was not sent from that form.
                    if (added.HubId != hubId)
                    {
                        throw new ValidationFailedException("Add the session from the form on this page");
                    }

                    // Sent again with other details (back, change, send), it is not a retry but another session:
                    // refused, for the page to say so and offer it with a new key, rather than reported as added.
                    return Describe(added) == Describe(session)
                        ? new Changed(added.Id, AlreadySaved: true, DatesWithNoSlot(added))
                        : throw DomainException.Conflict(FormUsedCode, $"This form has already added {added.Name}. If you also want the session below, check its details and add it again.");
                }

                db.Sessions.Add(session);
                await db.SaveChangesAsync(ct);
                audit.Write(actor, AuditActions.SessionChange, "success", "Session", Id(session.Id), hubId: hubId, detail: "created: " + Describe(session));
                await db.SaveChangesAsync(ct);
                return new Changed(session.Id, DatesWithNoSlot: DatesWithNoSlot(session));
            },
            cancellationToken);

    /// <summary>
    /// Saves the session's fields as entered on a form opened at <paramref name="expectedVersion"/>; if someone else has
    /// saved it since, nothing changes and the caller is told (their form would otherwise put back what was replaced).
    /// </summary>
    public async Task<RotaChange> UpdateSessionAsync(int sessionId, SessionInput input, int? expectedVersion, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await ChangeAsync(
            actor,
            sessionId,
            async ct =>
            {
                var session = await SessionForChangeAsync(sessionId, ct);
                if (session.Version != expectedVersion)
                {
                    // The same form sent again (a double click, a retry after its answer was lost) finds what it asks for
                    // made already: that is done, not someone else's change.
                    if (Validate(input).Count == 0 && Describe(session) == Describe(Applied(new Session { Name = string.Empty, IsActive = session.IsActive }, input)))
                    {
                        return new Changed(session.Id, AlreadySaved: true, DatesWithNoSlot(session));
                    }

                    throw SessionChanged(session.Name);
                }

                ValidationFailedException.ThrowIfAny(Validate(input));

                // A closed or extra date to come that the new dates leave out would stay on the rota page doing nothing.
                var today = London.Today(clock);
                var outside = session.Overrides.Where(o => o.Date >= today).OrderBy(o => o.Date)
                    .FirstOrDefault(o => o.Date < input.ValidFrom || (input.ValidUntil is { } until && o.Date > until));
                if (outside is not null)
                {
                    var field = outside.Date < input.ValidFrom ? nameof(SessionInput.ValidFrom) : nameof(SessionInput.ValidUntil);
                    throw ValidationFailedException.On(field, $"The session has {(outside.Kind == SessionOverrideKind.Closed ? "a closed date" : "an extra date")} on {Long(outside.Date)}, outside these dates; remove it first");
                }

                // Likewise one the new days make pointless: a closed date on a day the session would not run, or an extra
                // date on one it would run anyway. Left, it would do nothing and block the date (no extra clinic there
                // while it is "closed", no closing a day it "does not run" on). Only those this change makes pointless:
                // one already so (made before this rule, or by a bank holiday added since) must not stop every other edit.
                // (Both patterns without the dates: a closed date makes its own day one the session does not run on.)
                var pattern = Applied(new Session { Name = string.Empty }, input);
                var patternWas = new Session { Name = string.Empty, Days = session.Days, ValidFrom = session.ValidFrom, ValidUntil = session.ValidUntil };
                bool Pointless(Session days, SessionOverride o) => SlotGenerator.RunsOn(days, o.Date, BankHolidayCalendar.England) == (o.Kind == SessionOverrideKind.Extra);
                var pointless = session.Overrides.Where(o => o.Date >= today && Pointless(pattern, o) && !Pointless(patternWas, o))
                    .OrderBy(o => o.Date).ToList();
                if (pointless.Count > 0)
                {
                    throw ValidationFailedException.On(nameof(SessionInput.Days), PointlessDatesMessage(pointless));
                }

                var before = Describe(session);
                Apply(session, input);
                var after = Describe(session);
                if (before != after)
                {
                    session.Version++;
                    audit.Write(actor, AuditActions.SessionChange, "success", "Session", Id(session.Id), hubId: session.HubId, detail: $"updated: {before} → {after}");
                }

                await db.SaveChangesAsync(ct);
                return new Changed(session.Id, DatesWithNoSlot: DatesWithNoSlot(session));
            },
            cancellationToken);
    }

    /// <summary>The dates from today the session runs on but offers no slot on, the clocks skipping its times.</summary>
    private IReadOnlyList<DateOnly> DatesWithNoSlot(Session session)
    {
        var today = London.Today(clock);
        return SlotGenerator.DatesWithNoSlot(session, today > session.ValidFrom ? today : session.ValidFrom, session.ValidUntil ?? DateBounds.Latest, BankHolidayCalendar.England);
    }

    /// <summary>Stops (or restarts) a session: its free slots are withdrawn (or restored); booked ones stay booked.</summary>
    public Task<RotaChange> SetSessionActiveAsync(int sessionId, bool active, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            actor,
            sessionId,
            async ct =>
            {
                var session = await SessionForChangeAsync(sessionId, ct);
                if (session.IsActive == active)
                {
                    // The button pressed again (a retry after its answer was lost), or by someone else first: done already.
                    return new Changed(session.Id, AlreadySaved: true);
                }

                session.IsActive = active;
                audit.Write(actor, AuditActions.SessionChange, "success", "Session", Id(session.Id), hubId: session.HubId, detail: (active ? "reactivated: " : "deactivated: ") + Describe(session));
                await db.SaveChangesAsync(ct);
                return new Changed(session.Id);
            },
            cancellationToken);

    public async Task<RotaChange> AddOverrideAsync(int sessionId, OverrideInput input, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return await ChangeAsync(
                actor,
                sessionId,
                async ct =>
                {
                    var session = await SessionForChangeAsync(sessionId, ct);
                    if (session.Overrides.FirstOrDefault(o => o.Date == input.Date) is { } same && same.Kind == input.Kind && same.Reason == OverrideReason(input))
                    {
                        // The same date sent again (a double click, a retry after its answer was lost): done already.
                        return new Changed(session.Id, AlreadySaved: true);
                    }

                    ValidationFailedException.ThrowIfAny(ValidateOverride(session, input, out var kind, out var reason));
                    var added = new SessionOverride { SessionId = session.Id, Date = input.Date!.Value, Kind = kind, Reason = reason };
                    db.SessionOverrides.Add(added);
                    audit.Write(actor, AuditActions.SessionChange, "success", "Session", Id(session.Id), hubId: session.HubId, detail: $"{(kind == SessionOverrideKind.Closed ? "closed" : "extra")} on {Iso(added.Date)}; reason given: {(reason is null ? "no" : "yes")}");
                    await db.SaveChangesAsync(ct);
                    return new Changed(session.Id);
                },
                cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another commissioner added a change for the same date in the meantime.
            db.ChangeTracker.Clear();
            throw ValidationFailedException.On("Date", $"This session already has a change on {Long(input.Date!.Value)}; remove that first");
        }
    }

    public Task<RotaChange> RemoveOverrideAsync(int sessionId, int overrideId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            actor,
            sessionId,
            async ct =>
            {
                var session = await SessionForChangeAsync(sessionId, ct);
                var removed = session.Overrides.FirstOrDefault(o => o.Id == overrideId) ?? throw OverrideGone();
                db.SessionOverrides.Remove(removed);
                audit.Write(actor, AuditActions.SessionChange, "success", "Session", Id(session.Id), hubId: session.HubId, detail: $"removed {(removed.Kind == SessionOverrideKind.Closed ? "closed" : "extra")} date {Iso(removed.Date)}");
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // On PostgreSQL another commissioner's removal of the same date committed after this one read it.
                    throw OverrideGone();
                }

                return new Changed(session.Id);
            },
            cancellationToken);

    /// <summary>Regenerates a hub's slots now (the "Generate slots now" button), audited with the counts.</summary>
    public async Task<SlotPlanResult> GenerateSlotsAsync(int hubId, Actor actor, CancellationToken cancellationToken = default)
    {
        await EnsureCanManageHubAsync(hubId, actor, cancellationToken);
        SlotPlanResult? result = null;
        await InOneTransactionAsync(
            async ct =>
            {
                result = await planner.RefreshAsync(hubId, ct);
                audit.Write(actor, AuditActions.SlotsGenerated, "success", "Hub", Id(hubId), hubId: hubId, detail: $"added={result.Added}; withdrawn={result.Withdrawn}; restored={result.Restored}; reshaped={result.Reshaped}; days={planner.HorizonDays}");
                await db.SaveChangesAsync(ct);
            },
            cancellationToken);
        return result!;
    }

    private static string? OverrideReason(OverrideInput input) => string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();

    /// <summary>Field → message for each problem with a closed or extra date for <paramref name="session"/>.</summary>
    private Dictionary<string, string> ValidateOverride(Session session, OverrideInput input, out SessionOverrideKind kind, out string? reason)
    {
        var errors = new Dictionary<string, string>();
        var today = London.Today(clock);
        reason = OverrideReason(input);
        if (input.Kind is { } given && Enum.IsDefined(given))
        {
            kind = given;
        }
        else
        {
            errors["Kind"] = "Select whether the session is closed or runs an extra clinic on this date";
            kind = default;
        }

        if (input.Date is not { } date)
        {
            errors["Date"] = "Enter the date";
        }
        else if (date < today)
        {
            errors["Date"] = "Date must be today or in the future";
        }
        else if (!DateBounds.Contains(date))
        {
            errors["Date"] = DateBounds.Message;
        }
        else if (date < session.ValidFrom || (session.ValidUntil is { } until && date > until))
        {
            errors["Date"] = $"Date must be within the dates the session runs ({Dates(session)})";
        }
        else if (session.Overrides.FirstOrDefault(o => o.Date == date) is { } existing)
        {
            errors["Date"] = $"This session is already {(existing.Kind == SessionOverrideKind.Closed ? "closed" : "running an extra clinic")} on {Long(date)}; remove that first";
        }
        else if (!errors.ContainsKey("Kind"))
        {
            var runs = SlotGenerator.RunsOn(session, date, BankHolidayCalendar.England);
            if (kind == SessionOverrideKind.Closed && !runs)
            {
                errors["Date"] = $"The session does not run on {Long(date)} anyway";
            }
            else if (kind == SessionOverrideKind.Extra && !session.IsActive)
            {
                errors["Date"] = "Reactivate the session before adding an extra date";
            }
            else if (kind == SessionOverrideKind.Extra && runs)
            {
                errors["Date"] = $"The session already runs on {Long(date)}";
            }
            else if (kind == SessionOverrideKind.Extra && !SlotGenerator.HoldsASlot(session, date))
            {
                errors["Date"] = $"The session's times do not happen on {Long(date)}: the clocks go forward an hour that night and skip them, so an extra clinic would offer no appointments";
            }
        }

        if (FreeText.Characters(reason) > MaxReasonLength)
        {
            errors["Reason"] = $"Reason must be {MaxReasonLength} characters or fewer";
        }
        else if (reason is not null && reason.Any(char.IsControl))
        {
            errors["Reason"] = "Reason must not contain control characters";
        }

        return errors;
    }

    public static string Describe(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var until = session.ValidUntil is { } u ? Iso(u) : "no end";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{session.Name}; {session.Days.Describe()}; {session.StartTime:HH\\:mm}–{session.EndTime:HH\\:mm}; {session.Role}; {session.Mode}; {session.SlotMinutes} min × {session.Clinicians}; {Iso(session.ValidFrom)} to {until}; {(session.IsActive ? "active" : "inactive")}");
    }

    private const SessionDays AllDays = SessionDays.Weekdays | SessionDays.Weekends | SessionDays.BankHolidays;

    private static Session Applied(Session session, SessionInput input)
    {
        Apply(session, input);
        return session;
    }

    private static void Apply(Session session, SessionInput input)
    {
        session.Name = input.Name!.Trim();
        session.Days = input.Days;
        session.StartTime = input.StartTime!.Value;
        session.EndTime = input.EndTime!.Value;
        session.Role = input.Role!.Value;
        session.Mode = input.Mode!.Value;
        session.SlotMinutes = input.SlotMinutes!.Value;
        session.Clinicians = input.Clinicians!.Value;
        session.ValidFrom = input.ValidFrom!.Value;
        session.ValidUntil = input.ValidUntil;
    }

    /// <summary>The widest hub booking window a commissioner can set: 30 days, beyond any channel's own.</summary>
    public const int MaxBookingWindowHours = 720;

    /// <summary>
    /// Sets how far ahead the hub takes bookings whoever books (null: as far as each booking channel allows). Searches
    /// and bookings read it at once; appointments already booked beyond a narrowed window stay booked. Saving the value
    /// the hub already has changes and audits nothing, so a form sent twice is one change. <paramref name="shown"/> is the
    /// window the form showed when it was opened: when someone else has set another since, nothing changes and the caller
    /// is told, rather than their change being put back unseen.
    /// </summary>
    public async Task SetBookingWindowAsync(int hubId, int? hours, BookingWindowShown? shown, Actor actor, CancellationToken cancellationToken = default)
    {
        await EnsureCanManageHubAsync(hubId, actor, cancellationToken);
        if (hours is < 1 or > MaxBookingWindowHours)
        {
            throw ValidationFailedException.On("Hours", BookingWindowMessage);
        }

        await InOneTransactionAsync(
            async ct =>
            {
                // Compare and set: of two saves at once (PostgreSQL lets both read), only the one that finds the value it
                // read changes it and is audited, with the value it replaced; the other finds the new value and, if it
                // is its own, is done, or tries again on it.
                for (var attempt = 1; ; attempt++)
                {
                    var before = await db.Hubs.Where(h => h.Id == hubId).Select(h => h.MaximumBookingAheadHours).FirstAsync(ct);
                    if (before == hours)
                    {
                        return;
                    }

                    if (shown is not null && shown.Hours != before)
                    {
                        throw DomainException.Conflict(BookingWindowChangedCode, $"Someone else changed this hub's booking window to {(before is { } h ? Id(h) + (h == 1 ? " hour" : " hours") : "each booking channel's own")} after you opened the page. The form now shows their change: save yours again if it is still needed.");
                    }

                    var changed = await db.Hubs.Where(h => h.Id == hubId && h.MaximumBookingAheadHours == before)
                        .ExecuteUpdateAsync(u => u.SetProperty(h => h.MaximumBookingAheadHours, hours), ct);
                    if (changed == 1)
                    {
                        audit.Write(actor, AuditActions.HubChange, "success", "Hub", Id(hubId), hubId: hubId, detail: $"booking window: {WindowText(before)} → {WindowText(hours)}");
                        await db.SaveChangesAsync(ct);
                        return;
                    }

                    if (attempt == 3)
                    {
                        throw DomainException.Conflict("hub-changed", "Someone else is changing this hub's booking window. Try again.");
                    }
                }
            },
            cancellationToken);

        static string WindowText(int? hours) => hours is { } h ? Id(h) + " hours" : "the channel's";
    }

    /// <summary>The code the hub page answers by showing the booking window as it now is.</summary>
    public const string BookingWindowChangedCode = "booking-window-changed";

    /// <summary>What the booking window form says when its value is not a number of hours Forward accepts.</summary>
    public static readonly string BookingWindowMessage =
        $"Enter the booking window as a whole number of hours from 1 to {MaxBookingWindowHours}, for example 48, or leave it blank";

    /// <summary>What a change did to its session: made it, or found it made by an earlier send of the same form.</summary>
    private readonly record struct Changed(int SessionId, bool AlreadySaved = false, IReadOnlyList<DateOnly>? DatesWithNoSlot = null);

    /// <summary>
    /// Makes a change to a session (<paramref name="change"/> returns its id) and regenerates its slots, in one
    /// transaction. A save that finds the session changed since it was read (on PostgreSQL, another commissioner's
    /// change committed in between) changes nothing and is reported as such.
    /// </summary>
    private async Task<RotaChange> ChangeAsync(Actor actor, int? sessionId, Func<CancellationToken, Task<Changed>> change, CancellationToken cancellationToken)
    {
        RotaChange? outcome = null;
        try
        {
            await InOneTransactionAsync(
                async ct =>
                {
                    // A change is checked against the session as the hub's last change left it, so changes at one hub take
                    // turns from before anything is read (PostgreSQL; SQLite's go one at a time already): a closed or extra
                    // date adds no row to the session, so its version cannot catch a date added while the session's dates
                    // were being changed. Bookings an earlier change already left out are not this change's doing, nor
                    // told again; read with the hub taken, a change committed meanwhile is in this "before".
                    IReadOnlySet<long> before = new HashSet<long>();
                    if (sessionId is { } id)
                    {
                        await LockHubOfSessionAsync(id, actor, ct);
                        before = await OffRotaAsync(id, ct);
                    }

                    outcome = await RegenerateAsync(await change(ct), before, actor, ct);
                },
                cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw SessionChanged(name: null);
        }

        return outcome!;
    }

    /// <summary>The code the session page answers by showing the session as it now is.</summary>
    public const string SessionChangedCode = "session-changed";

    private static DomainException SessionChanged(string? name) =>
        DomainException.Conflict(SessionChangedCode, $"Someone else changed {(name is null ? "this session" : name)} after you opened it. The form now shows their change: make yours again if it is still needed.");

    /// <summary>The code the add-a-session page answers by giving its form a new key: the old one added another session.</summary>
    public const string FormUsedCode = "session-form-used";

    /// <summary>The code the session page answers with a message, not an error: the date the user wanted gone is gone.</summary>
    public const string OverrideGoneCode = "override-not-found";

    private static DomainException OverrideGone() =>
        DomainException.NotFound(OverrideGoneCode, "That closed or extra date is not on this session any more.");

    private async Task InOneTransactionAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        using var turn = await writeGate.EnterAsync(db, cancellationToken);
        await db.InTransactionAsync(
            ct =>
            {
                // A retry (a PostgreSQL connection lost mid-change) starts again from what the database holds, not from
                // entities the failed attempt had already marked as saved.
                db.ChangeTracker.Clear();
                return work(ct);
            },
            cancellationToken);
    }

    /// <summary>
    /// Brings the stored slots in line with the session as it now is: the planner adds, withdraws and restores slots by
    /// their key (session, clinician, start) and gives free ones whose key survives the session's new role, mode or
    /// length. Booked slots are never touched; the appointments this change left off the rota are named for the
    /// commissioner and audited. The session is read after the planner took the hub, so they are of the rota as planned.
    /// A change found already saved names every booking its session's rota leaves out: the send that made it left them
    /// out (and audited them), and its answer, which named them, may have been lost.
    /// </summary>
    private async Task<RotaChange> RegenerateAsync(Changed changed, IReadOnlySet<long> leftOutBefore, Actor actor, CancellationToken ct)
    {
        var sessionId = changed.SessionId;
        var session = await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => new { s.HubId, s.Name }).FirstAsync(ct);
        var result = await planner.RefreshAsync(session.HubId, ct);

        var offRota = await OffRotaAsync(sessionId, ct);
        var leftOut = offRota.Except(leftOutBefore).Order().ToList();
        if (leftOut.Count > 0)
        {
            // One entry per appointment, under it and its patient: whom the change left out is then found by searching
            // for the appointment or the patient, and no list is cut short at the detail's length.
            var appointments = await db.Appointments.AsNoTracking().Where(a => leftOut.Contains(a.Id)).Select(a => new { a.Id, a.PatientId }).ToListAsync(ct);
            foreach (var appointment in appointments.OrderBy(a => a.Id))
            {
                audit.Write(actor, AuditActions.SessionChange, "success", "Appointment", Id(appointment.Id), appointment.PatientId, session.HubId, $"no longer on the rota of session {Id(sessionId)} after this change");
            }

            await db.SaveChangesAsync(ct);
        }

        return new RotaChange(session.HubId, sessionId, session.Name, result, changed.AlreadySaved ? offRota.Order().ToList() : leftOut, changed.AlreadySaved, changed.DatesWithNoSlot);
    }

    /// <summary>The session's booked appointments still to come, within the slot horizon, that its rota no longer has.</summary>
    private Task<IReadOnlySet<long>> OffRotaAsync(int sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var toUtc = London.StartOfDayUtc(London.Today(clock).AddDays(planner.HorizonDays + 1));
        return OffRotaAppointments.AmongAsync(db, db.AppointmentSlots.Where(h => h.Slot!.SessionId == sessionId && h.Slot.StartUtc < toUtc), now, ct);
    }

    /// <summary>Marks a rota change's read of its session, for tests that interleave two changes.</summary>
    public const string SessionForChangeTag = "rota change: session";

    /// <summary>A session to show, once the actor is known to manage its hub.</summary>
    private async Task<Session> LoadSessionAsync(int sessionId, Actor actor, CancellationToken ct)
    {
        await EnsureCanManageHubAsync(await HubOfSessionAsync(sessionId, actor, ct), actor, ct);
        return await db.Sessions.AsNoTracking().Include(s => s.Overrides).FirstOrDefaultAsync(s => s.Id == sessionId, ct)
            ?? throw DomainException.NotFound("session-not-found", $"There is no session {sessionId}.");
    }

    /// <summary>
    /// The session a change edits, tracked. Only inside <see cref="ChangeAsync"/> with the session's id, which has
    /// authorised the actor for its hub and taken the hub before this read.
    /// </summary>
    private async Task<Session> SessionForChangeAsync(int sessionId, CancellationToken ct) =>
        await db.Sessions.TagWith(SessionForChangeTag).Include(s => s.Overrides).FirstOrDefaultAsync(s => s.Id == sessionId, ct)
            ?? throw DomainException.NotFound("session-not-found", $"There is no session {sessionId}.");

    /// <summary>Takes the session's hub for this transaction, once the actor is known to manage it.</summary>
    private async Task LockHubOfSessionAsync(int sessionId, Actor actor, CancellationToken ct)
    {
        var hubId = await HubOfSessionAsync(sessionId, actor, ct);
        await EnsureCanManageHubAsync(hubId, actor, ct);
        await ComplianceDayStore.LockHubsAsync(db, [hubId], ct);
    }

    private async Task<int> HubOfSessionAsync(int sessionId, Actor actor, CancellationToken ct)
    {
        EnsureCommissioner(actor);
        return await db.Sessions.Where(s => s.Id == sessionId).Select(s => (int?)s.HubId).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("session-not-found", $"There is no session {sessionId}.");
    }

    private async Task EnsureCanManageHubAsync(int hubId, Actor actor, CancellationToken ct)
    {
        EnsureCommissioner(actor);
        var ccgId = await db.Hubs.Where(h => h.Id == hubId).Select(h => (int?)h.CcgId).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("hub-not-found", $"There is no hub {hubId}.");
        if (ccgId != actor.CcgId)
        {
            throw DomainException.Forbidden("other-ccg", "You can manage only the hubs of your own CCG.");
        }
    }

    private static void EnsureCommissioner(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsCommissioner || actor.CcgId is null)
        {
            throw DomainException.Forbidden("commissioner-only", "Only a CCG's commissioners manage its hubs and rotas.");
        }
    }

    /// <summary>"The session has a closed date on 20 December 2026, a day it would not run on these days; remove it first".</summary>
    private static string PointlessDatesMessage(List<SessionOverride> pointless)
    {
        var closed = pointless.Where(o => o.Kind == SessionOverrideKind.Closed).Select(o => o.Date).ToList();
        var extra = pointless.Where(o => o.Kind == SessionOverrideKind.Extra).Select(o => o.Date).ToList();
        var parts = new List<string>();
        if (closed.Count > 0)
        {
            parts.Add(closed.Count == 1
                ? $"a closed date on {Listed(closed)}, a day it would not run on these days"
                : $"closed dates on {Listed(closed)}, days it would not run on these days");
        }

        if (extra.Count > 0)
        {
            parts.Add(extra.Count == 1
                ? $"an extra date on {Listed(extra)}, a day it would run on these days anyway"
                : $"extra dates on {Listed(extra)}, days it would run on these days anyway");
        }

        return $"The session has {string.Join(", and ", parts)}; remove {(pointless.Count == 1 ? "it" : "them")} first";
    }

    /// <summary>"20 December 2026"; "13 December 2026, 19 December 2026 and 20 December 2026".</summary>
    private static string Listed(IReadOnlyList<DateOnly> dates) =>
        dates.Count == 1 ? Long(dates[0]) : string.Join(", ", dates.Take(dates.Count - 1).Select(Long)) + " and " + Long(dates[^1]);

    private static string Dates(Session session) =>
        session.ValidUntil is { } until ? $"{Long(session.ValidFrom)} to {Long(until)}" : $"from {Long(session.ValidFrom)}";

    private static string Long(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
