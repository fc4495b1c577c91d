using Forward.Data;
using Forward.Domain;
using Forward.Domain.Audit;
using Forward.Domain.Hubs;
using Forward.Domain.Navigation;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Hubs;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Navigation;

/// <summary>A CCG a user may open the directory of.</summary>
public sealed record CcgChoice(int Id, string Name);

/// <summary>A practice, as the navigation pages name it.</summary>
public sealed record PracticeChoice(int Id, string OdsCode, string Name, int NetworkId, int CcgId);

/// <summary>One directory entry as the page shows it.</summary>
public sealed record DirectoryEntry(
    int Id,
    ServiceCategory Category,
    string Name,
    string WhoFor,
    string HowToRefer,
    string Hours,
    string? Phone,
    string? Website,
    bool IsSynthetic,
    string? NetworkName);

/// <summary>How many signposting records one service or reason has this week and this month.</summary>
public sealed record SignpostingCount<TKey>(TKey Key, int ThisWeek, int ThisMonth);

/// <summary>A practice's signposting this week (Monday to Sunday) and this calendar month, London time.</summary>
public sealed record SignpostingSummary(
    PracticeChoice Practice,
    DateOnly WeekFrom,
    DateOnly WeekTo,
    DateOnly MonthFrom,
    DateOnly MonthTo,
    int ThisWeek,
    int ThisMonth,
    IReadOnlyList<SignpostingCount<string>> ByService,
    IReadOnlyList<SignpostingCount<SignpostingReason>> ByReason);

/// <summary>One staff member's care-navigator training, as listed.</summary>
public sealed record TrainingRow(int Id, string StaffName, bool Trained, DateOnly? TrainedOn, string? Course, int Version);

/// <summary>
/// Training as entered on the form; <see cref="Id"/> set to update an existing record, with the <see cref="Version"/> the
/// form was opened at (an update from any other version is refused).
/// </summary>
public sealed record TrainingInput(int? Id, string? StaffName, bool Trained, DateOnly? TrainedOn, string? Course, int? Version, string? FormKey = null);

/// <summary>
/// Care navigation: the directory of local services a user's CCG offers, the signposting log and its counts, and the
/// care-navigator training register. Every method takes the <see cref="Actor"/> and decides what they may see here, so a
/// page cannot forget: practice staff see and change their own practice only; commissioners read the practices of
/// their CCG; hub clinicians see their hub's CCG's directory; NHS 111 chooses a CCG.
/// </summary>
public sealed class NavigationService(ForwardDbContext db, AuditLog audit, TimeProvider clock)
{
    public const int MaxQueryLength = 100;

    /// <summary>The CCGs whose directory the actor may open (all of them for NHS 111, who take calls from anywhere).</summary>
    public async Task<IReadOnlyList<CcgChoice>> DirectoryCcgsAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsNhs111)
        {
            return await db.Ccgs.AsNoTracking().OrderBy(c => c.Name).Select(c => new CcgChoice(c.Id, c.Name)).ToListAsync(ct);
        }

        var own = await OwnCcgAsync(actor, ct);
        return await db.Ccgs.AsNoTracking().Where(c => c.Id == own).Select(c => new CcgChoice(c.Id, c.Name)).ToListAsync(ct);
    }

    /// <summary>
    /// The actor's CCG's services matching every word of <paramref name="query"/> (in the name, who it is for or the
    /// keywords, ignoring case) and the category, if given. A PCN-only service is listed for practice staff of that PCN
    /// and for everyone else in the CCG who is not tied to a practice.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> SearchAsync(Actor actor, int ccgId, string? query, ServiceCategory? category, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await EnsureDirectoryAllowedAsync(actor, ccgId, ct);
        int? networkId = null;
        if (actor.IsPracticeStaff)
        {
            networkId = (await OwnPracticeAsync(actor, ct)).NetworkId;
        }

        var services = db.LocalServices.AsNoTracking().Where(s => s.CcgId == ccgId && s.IsActive);
        if (networkId is { } network)
        {
            services = services.Where(s => s.NetworkId == null || s.NetworkId == network);
        }

        if (category is { } c)
        {
            services = services.Where(s => s.Category == c);
        }

        // ToLower and Contains translate on SQLite (lower/instr) and PostgreSQL (lower/strpos) alike; the
        // StringComparison overload CA1862 asks for does not translate on either.
#pragma warning disable CA1862
        // Each word, in either number ("injuries" or "injury", "rashes" or "rash"; SearchForms), within the service's own
        // words, or as a whole word of its category's (its name as the page shows it, "minor injuries", and the needs it
        // meets, "mental health"; NavigationWording.SearchTerms): within them, "the" would find every therapy.
        foreach (var word in Words(query))
        {
            var forms = SearchForms(word);
            var (first, second, third) = (forms[0], forms[Math.Min(1, forms.Count - 1)], forms[^1]);
            var categories = Enum.GetValues<ServiceCategory>()
                .Where(category => TermWords(category).Overlaps(forms))
                .ToList();
            services = services.Where(s => s.Name.ToLower().Contains(first) || s.WhoFor.ToLower().Contains(first) || (s.Keywords != null && s.Keywords.ToLower().Contains(first))
                || s.Name.ToLower().Contains(second) || s.WhoFor.ToLower().Contains(second) || (s.Keywords != null && s.Keywords.ToLower().Contains(second))
                || s.Name.ToLower().Contains(third) || s.WhoFor.ToLower().Contains(third) || (s.Keywords != null && s.Keywords.ToLower().Contains(third))
                || categories.Contains(s.Category));
        }
#pragma warning restore CA1862

        var found = await services
            .OrderBy(s => s.Category).ThenBy(s => s.Name)
            .Select(s => new { s.Code, Entry = new DirectoryEntry(s.Id, s.Category, s.Name, s.WhoFor, s.HowToRefer, s.Hours, s.Phone, s.Website, s.IsSynthetic, s.Network != null ? s.Network.Name : null) })
            .ToListAsync(ct);
        // A directory entry's hours were written when it was seeded; a caller must be told what the hub offers now.
        var hubHours = await HubsApi.BookableHoursAsync(db, found.Where(f => f.Entry.Category == ServiceCategory.ExtendedAccessHub).Select(f => HubCode(f.Code)).OfType<string>().ToList(), London.Today(clock), ct);
        return found.Select(f => HubCode(f.Code) is { } hub && hubHours.TryGetValue(hub, out var hours) ? f.Entry with { Hours = hours } : f.Entry).ToList();
    }

    /// <summary>The hub a directory entry describes: entries made from the hubs have the code "HUB-" and the hub's code.</summary>
    private static string? HubCode(string entryCode) => entryCode.StartsWith(HubEntryPrefix, StringComparison.Ordinal) ? entryCode[HubEntryPrefix.Length..] : null;

    private const string HubEntryPrefix = "HUB-";

    /// <summary>A service the practice's staff may signpost to: active and in their CCG (and PCN, if it is PCN-only).</summary>
    public async Task<DirectoryEntry> ServiceForSignpostingAsync(Actor actor, int serviceId, CancellationToken ct)
    {
        var practice = await OwnPracticeAsync(actor, ct);
        return await db.LocalServices.AsNoTracking()
            .Where(s => s.Id == serviceId && s.IsActive && s.CcgId == practice.CcgId && (s.NetworkId == null || s.NetworkId == practice.NetworkId))
            .Select(s => new DirectoryEntry(s.Id, s.Category, s.Name, s.WhoFor, s.HowToRefer, s.Hours, s.Phone, s.Website, s.IsSynthetic, s.Network != null ? s.Network.Name : null))
            .FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("service-not-found", "There is no such service in your practice's directory.");
    }

    /// <summary>
    /// Records that a patient was signposted: service, reason code, practice, time and user, and the key of the form
    /// (<see cref="FormKeys"/>) so that the same form sent again records nothing more. Nothing else.
    /// </summary>
    public async Task<SignpostingRecord> RecordSignpostingAsync(Actor actor, int serviceId, SignpostingReason? reason, string? formKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var practice = await OwnPracticeAsync(actor, ct);
        var service = await ServiceForSignpostingAsync(actor, serviceId, ct);
        if (reason is not { } r || !Enum.IsDefined(r))
        {
            throw ValidationFailedException.On("Reason", "Select why the patient was signposted");
        }

        if (formKey is not null && !FormKeys.IsWellFormed(formKey))
        {
            throw new ValidationFailedException("Record the signposting from the form on this page");
        }

        if (await SignpostedAlreadyAsync(formKey, practice.Id, ct) is { } already)
        {
            return SameSignposting(already, service, r);
        }

        var record = new SignpostingRecord
        {
            PracticeId = practice.Id,
            LocalServiceId = service.Id,
            Reason = r,
            RecordedUtc = clock.GetUtcNow().UtcDateTime,
            RecordedBy = actor.UserName,
            FormKey = formKey,
        };
        db.SignpostingRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && formKey is not null)
        {
            // The same form sent at the same moment, and the other one saved first.
            db.ChangeTracker.Clear();
            return SameSignposting(
                await SignpostedAlreadyAsync(formKey, practice.Id, ct) ?? throw new ValidationFailedException("Record the signposting from the form on this page", e),
                service,
                r);
        }

        return record;
    }

    /// <summary>
    /// The record this form made already, when it was sent again as it was (a double click, a retry); sent again with
    /// another service or reason (back, change the reason, send) it is refused, not confirmed as recorded.
    /// </summary>
    private static SignpostingRecord SameSignposting(SignpostingRecord already, DirectoryEntry service, SignpostingReason reason) =>
        already.LocalServiceId == service.Id && already.Reason == reason
            ? already
            : throw DomainException.Conflict("signposting-form-used", $"This form already recorded signposting for {NavigationWording.Reason(already.Reason).ToLowerInvariant()}. To record another patient, open the service again from the directory.");

    private Task<SignpostingRecord?> SignpostedAlreadyAsync(string? formKey, int practiceId, CancellationToken ct) =>
        formKey is null
            ? Task.FromResult<SignpostingRecord?>(null)
            : db.SignpostingRecords.AsNoTracking().FirstOrDefaultAsync(s => s.FormKey == formKey && s.PracticeId == practiceId, ct);

    /// <summary>The practices whose signposting and training figures the actor may read: their own, or their CCG's.</summary>
    public async Task<IReadOnlyList<PracticeChoice>> ReadablePracticesAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var practices = db.Practices.AsNoTracking();
        practices = actor switch
        {
            { IsPracticeStaff: true, PracticeId: { } own } => practices.Where(p => p.Id == own),
            { IsCommissioner: true, CcgId: { } ccg } => practices.Where(p => p.Network!.CcgId == ccg),
            _ => throw DomainException.Forbidden("navigation-not-yours", "Only practice staff and commissioners can see signposting and training figures."),
        };
        return await practices.OrderBy(p => p.Name)
            .Select(p => new PracticeChoice(p.Id, p.OdsCode, p.Name, p.NetworkId, p.Network!.CcgId)).ToListAsync(ct);
    }

    /// <summary>The practice whose figures are asked for, if the actor may read them (403 otherwise, 404 if unknown).</summary>
    public async Task<PracticeChoice> ReadablePracticeAsync(Actor actor, int? practiceId, CancellationToken ct)
    {
        var readable = await ReadablePracticesAsync(actor, ct);
        if (practiceId is null)
        {
            return readable.Count > 0 ? readable[0] : throw DomainException.NotFound("no-practices", "Your CCG has no practices.");
        }

        if (readable.FirstOrDefault(p => p.Id == practiceId) is { } found)
        {
            return found;
        }

        return await db.Practices.AnyAsync(p => p.Id == practiceId, ct)
            ? throw DomainException.Forbidden("navigation-not-yours", "You can see the figures of your own practice, or your CCG's practices, only.")
            : throw DomainException.NotFound("practice-not-found", "There is no such practice.");
    }

    /// <summary>
    /// The practice's signposting this week and this month, by service and by reason: two grouped queries (one per
    /// period), whatever the number of services.
    /// </summary>
    public async Task<SignpostingSummary> SignpostingSummaryAsync(Actor actor, int? practiceId, CancellationToken ct)
    {
        var practice = await ReadablePracticeAsync(actor, practiceId, ct);
        var today = London.Today(clock);
        var weekFrom = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var weekTo = weekFrom.AddDays(6);
        var monthFrom = new DateOnly(today.Year, today.Month, 1);
        var monthTo = monthFrom.AddMonths(1).AddDays(-1);

        var week = await CountsAsync(practice.Id, weekFrom, weekTo, ct);
        var month = await CountsAsync(practice.Id, monthFrom, monthTo, ct);
        var names = week.Concat(month).Select(g => (g.ServiceId, g.ServiceName)).Distinct().ToList();
        var byService = names
            .Select(n => new SignpostingCount<string>(
                n.ServiceName,
                week.Where(g => g.ServiceId == n.ServiceId).Sum(g => g.Count),
                month.Where(g => g.ServiceId == n.ServiceId).Sum(g => g.Count)))
            .OrderByDescending(s => s.ThisMonth).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        var byReason = Enum.GetValues<SignpostingReason>()
            .Select(r => new SignpostingCount<SignpostingReason>(r, week.Where(g => g.Reason == r).Sum(g => g.Count), month.Where(g => g.Reason == r).Sum(g => g.Count)))
            .Where(r => r.ThisMonth > 0 || r.ThisWeek > 0)
            .OrderByDescending(r => r.ThisMonth).ToList();
        return new SignpostingSummary(practice, weekFrom, weekTo, monthFrom, monthTo, week.Sum(g => g.Count), month.Sum(g => g.Count), byService, byReason);
    }

    /// <summary>The practice's training register, by name.</summary>
    public async Task<IReadOnlyList<TrainingRow>> TrainingAsync(Actor actor, int? practiceId, CancellationToken ct)
    {
        var practice = await ReadablePracticeAsync(actor, practiceId, ct);
        return await db.NavigatorTraining.AsNoTracking().Where(t => t.PracticeId == practice.Id)
            .OrderBy(t => t.StaffName)
            .Select(t => new TrainingRow(t.Id, t.StaffName, t.Trained, t.TrainedOn, t.Course, t.Version)).ToListAsync(ct);
    }

    /// <summary>
    /// Adds or updates a training record of the actor's own practice (practice staff only; commissioners read). Field
    /// errors come back as a <see cref="ValidationFailedException"/> keyed by the input's property names.
    /// </summary>
    public async Task<NavigatorTraining> SaveTrainingAsync(Actor actor, TrainingInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        var practice = await OwnPracticeAsync(actor, ct);
        if (input.Id is null && input.FormKey is { } formKey)
        {
            if (!FormKeys.IsWellFormed(formKey))
            {
                throw new ValidationFailedException("Add the staff member from the form on this page");
            }

            if (await SentAgainAsync() is { } added)
            {
                return added;
            }
        }

        NavigatorTraining record;
        if (input.Id is { } id)
        {
            record = await db.NavigatorTraining.FirstOrDefaultAsync(t => t.Id == id && t.PracticeId == practice.Id, ct)
                ?? throw await TrainingGoneAsync(id, practice.Id, ct);
            if (input.Version != record.Version)
            {
                // The same form sent twice (a double click without JavaScript): the one change since is this very one.
                return record.Version == input.Version + 1 && HoldsInput(record, input) ? record : throw TrainingChanged(record.StaffName);
            }
        }
        else
        {
            record = new NavigatorTraining { PracticeId = practice.Id, StaffName = string.Empty, FormKey = input.FormKey };
        }

        var previousName = record.StaffName;
        record.StaffName = NavigatorTraining.CleanName(input.StaffName);
        record.Trained = input.Trained;
        record.TrainedOn = input.TrainedOn;
        record.Course = string.IsNullOrWhiteSpace(input.Course) ? null : input.Course.Trim();
        ValidationFailedException.ThrowIfAny(record.Validate(London.Today(clock)));
        // Compared by name in .NET, not by the stored key: keys the upgrade computed in SQL may differ from KeyFor for
        // names with other kinds of space or non-ASCII letters. A practice's register is a few dozen names.
        var others = await db.NavigatorTraining.AsNoTracking().Where(t => t.PracticeId == practice.Id && t.Id != record.Id).ToListAsync(ct);
        if (others.Any(t => NavigatorTraining.KeyFor(t.StaffName) == record.StaffNameKey))
        {
            // This very form's other send may have added it since the look at the key above.
            return await SentAgainAsync() ?? throw NameTaken(record.StaffName);
        }

        record.Version++;
        try
        {
            if (input.Id is null)
            {
                await db.InTransactionAsync(
                    async c =>
                    {
                        // A retry (a PostgreSQL connection lost mid-save) adds the record afresh, as the first attempt was rolled back.
                        db.ChangeTracker.Clear();
                        record.Id = 0;
                        db.NavigatorTraining.Add(record);
                        await db.SaveChangesAsync(c);
                        audit.Write(actor, AuditActions.TrainingAdd, "success", nameof(NavigatorTraining), record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail: $"practice {practice.OdsCode}", practiceId: practice.Id);
                        await db.SaveChangesAsync(c);
                    },
                    ct);
            }
            else
            {
                audit.Write(actor, AuditActions.TrainingUpdate, "success", nameof(NavigatorTraining), record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail: $"practice {practice.OdsCode}", practiceId: practice.Id);
                await db.SaveChangesAsync(ct);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another change landed between the version check above and this save: the same form's other send, or someone else's.
            db.ChangeTracker.Clear();
            var stored = await db.NavigatorTraining.AsNoTracking().FirstOrDefaultAsync(t => t.Id == record.Id, ct);
            return stored is not null && stored.Version == input.Version + 1 && HoldsInput(stored, input) ? stored : throw TrainingChanged(previousName);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Someone added the same person (or sent this very form) between the checks above and this save.
            db.ChangeTracker.Clear();
            return await SentAgainAsync() ?? throw NameTaken(record.StaffName);
        }

        return record;

        // The record this add form already made at the practice: the form sent again, answered with it. Sent again with
        // other details, it is refused: a change the record has not had, from a form that no longer shows it as it is.
        async Task<NavigatorTraining?> SentAgainAsync()
        {
            if (input.Id is not null || input.FormKey is not { } key)
            {
                return null;
            }

            var added = await db.NavigatorTraining.AsNoTracking().FirstOrDefaultAsync(t => t.FormKey == key && t.PracticeId == practice.Id, ct);
            return added is null || HoldsInput(added, input) ? added : throw FormUsed(added.StaffName);
        }
    }

    /// <summary>
    /// Takes a staff member who has left off the actor's own practice's register (practice staff only), if the record is
    /// still at the version the form showed; audited. Null when the record is not there any more: the same form sent
    /// again after it was removed, which is done, not an error.
    /// </summary>
    public async Task<string?> RemoveTrainingAsync(Actor actor, int id, int? version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var practice = await OwnPracticeAsync(actor, ct);
        var record = await db.NavigatorTraining.FirstOrDefaultAsync(t => t.Id == id && t.PracticeId == practice.Id, ct);
        if (record is null)
        {
            return null;
        }

        if (record.Version != version)
        {
            throw TrainingChanged(record.StaffName);
        }

        db.NavigatorTraining.Remove(record);
        audit.Write(actor, AuditActions.TrainingRemove, "success", nameof(NavigatorTraining), record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail: $"practice {practice.OdsCode}", practiceId: practice.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed or removed between the read above and this delete: removed is this form's own other send.
            db.ChangeTracker.Clear();
            return await db.NavigatorTraining.AsNoTracking().AnyAsync(t => t.Id == id, ct) ? throw TrainingChanged(record.StaffName) : null;
        }

        return record.StaffName;
    }

    /// <summary>Whether the stored record holds exactly what the form entered.</summary>
    private static bool HoldsInput(NavigatorTraining stored, TrainingInput input) =>
        stored.StaffName == NavigatorTraining.CleanName(input.StaffName)
        && stored.Trained == input.Trained
        && stored.TrainedOn == input.TrainedOn
        && stored.Course == (string.IsNullOrWhiteSpace(input.Course) ? null : input.Course.Trim());

    private static DomainException FormUsed(string staffName) =>
        DomainException.Conflict("training-form-used", $"This form already added {staffName}. To change the record, choose Change beside it in the list.");

    /// <summary>The code of a change to a record a colleague at the practice removed after the form was opened.</summary>
    public const string TrainingRemovedCode = "training-removed";

    /// <summary>
    /// Why the record to change is not at the practice: removed there (its removal is in the audit log, under the
    /// practice), which the page says; otherwise no such record, as for another practice's id, which is not told apart.
    /// </summary>
    private async Task<DomainException> TrainingGoneAsync(int id, int practiceId, CancellationToken ct)
    {
        var entityId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TrainingRemove && e.EntityId == entityId && e.PracticeId == practiceId, ct)
            ? DomainException.Conflict(TrainingRemovedCode, "Someone removed this training record after you opened it. Add the staff member again if they still work at the practice.")
            : DomainException.NotFound("training-not-found", "There is no such training record at your practice.");
    }

    private static DomainException TrainingChanged(string staffName) =>
        DomainException.Conflict("training-changed", $"Someone else changed the record for {staffName} after you opened it. It now shows their change: make yours again if it is still needed.");

    private static ValidationFailedException NameTaken(string staffName) =>
        new(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(NavigatorTraining.StaffName)] = $"{staffName} already has a training record at your practice: change that record instead",
        });

    /// <summary>
    /// A search word's forms to look for, at most three: the word; its singular by the common English endings ("injuries"
    /// → "injury", "burns" → "burn", "rashes" → "rash", "stresses" → "stress"); and, where the singular ends in a
    /// consonant and y, its plural ("therapy" → "therapies"), so a word finds a service written in either number.
    /// </summary>
    public static IReadOnlyList<string> SearchForms(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var singular = word switch
        {
            { Length: > 4 } when word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
            { Length: > 4 } when EsPlurals.Any(e => word.EndsWith(e, StringComparison.Ordinal)) => word[..^2],
            { Length: > 3 } when word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) => word[..^1],
            _ => word,
        };
        var forms = new List<string> { word, singular };
        if (singular is { Length: > 2 } && singular.EndsWith('y') && !"aeiouy".Contains(singular[^2], StringComparison.Ordinal))
        {
            forms.Add(singular[..^1] + "ies");
        }

        return forms.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Plural endings that add "es" to the singular ("rashes", "boxes", "stresses", "patches").</summary>
    private static readonly string[] EsPlurals = ["sses", "xes", "zes", "ches", "shes"];

    /// <summary>The whole words of a category's search terms ("walk-in" is "walk" and "in").</summary>
    private static HashSet<string> TermWords(ServiceCategory category) =>
        NavigationWording.SearchTerms(category).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(term => term.Split('-', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The lower-cased words of a search, at most <see cref="MaxQueryLength"/> characters in all.</summary>
    public static IReadOnlyList<string> Words(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        var text = query.Trim();
        text = FreeText.FirstCharacters(text, MaxQueryLength);

        // Control characters (a pasted tab, or a NUL, which PostgreSQL refuses in a query) separate words like spaces.
        var spaced = string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));
        return spaced.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The actor's practice (practice staff only).</summary>
    public async Task<PracticeChoice> OwnPracticeAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is not { IsPracticeStaff: true, PracticeId: { } id })
        {
            throw DomainException.Forbidden("practice-staff-only", "Only practice staff can do this, for their own practice.");
        }

        return await db.Practices.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new PracticeChoice(p.Id, p.OdsCode, p.Name, p.NetworkId, p.Network!.CcgId)).FirstOrDefaultAsync(ct)
            ?? throw DomainException.Forbidden("practice-staff-only", "Your account's practice no longer exists.");
    }

    private async Task<int> OwnCcgAsync(Actor actor, CancellationToken ct) => actor switch
    {
        { IsPracticeStaff: true } => (await OwnPracticeAsync(actor, ct)).CcgId,
        { IsCommissioner: true, CcgId: { } ccg } => ccg,
        { IsHubClinician: true, HubId: { } hub } => await db.Hubs.Where(h => h.Id == hub).Select(h => (int?)h.CcgId).FirstOrDefaultAsync(ct)
            ?? throw DomainException.Forbidden("no-ccg", "Your hub no longer exists."),
        _ => throw DomainException.Forbidden("no-ccg", "Your account is not tied to a CCG."),
    };

    private async Task EnsureDirectoryAllowedAsync(Actor actor, int ccgId, CancellationToken ct)
    {
        if (actor.IsNhs111)
        {
            if (!await db.Ccgs.AnyAsync(c => c.Id == ccgId, ct))
            {
                throw DomainException.NotFound("ccg-not-found", "There is no such CCG.");
            }

            return;
        }

        if (await OwnCcgAsync(actor, ct) != ccgId)
        {
            throw DomainException.Forbidden("directory-not-yours", "You can see your own CCG's directory only.");
        }
    }

    private async Task<List<GroupCount>> CountsAsync(int practiceId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var fromUtc = London.StartOfDayUtc(from);
        var toUtc = London.StartOfDayUtc(to.AddDays(1));
        return await db.SignpostingRecords.AsNoTracking()
            .Where(s => s.PracticeId == practiceId && s.RecordedUtc >= fromUtc && s.RecordedUtc < toUtc)
            .GroupBy(s => new { s.LocalServiceId, s.LocalService!.Name, s.Reason })
            .Select(g => new GroupCount(g.Key.LocalServiceId, g.Key.Name, g.Key.Reason, g.Count()))
            .ToListAsync(ct);
    }

    private sealed record GroupCount(int ServiceId, string ServiceName, SignpostingReason Reason, int Count);
}
