using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Time;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forward.Web.Tests.Seeding;

/// <summary>Two months of synthetic history written once into a fresh database, for the tests below to read.</summary>
public sealed class DemoHistoryFixture : IAsyncLifetime
{
    public const int Months = 2;

    public ForwardFactory Factory { get; } = new();

    public DemoHistoryResult Result { get; private set; } = null!;

    public async Task InitializeAsync() => Result = await DemoHistoryTests.GenerateAsync(Factory);

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The demo history generator (<see cref="DemoHistory"/>) run through DI on the test clock (Monday 8 June 2026): two months
/// back to yesterday, 8 April to 7 June 2026.
/// </summary>
public sealed class DemoHistoryTests(DemoHistoryFixture fixture) : IClassFixture<DemoHistoryFixture>
{
    private const ulong Seed = DemoHistory.DefaultSeed;

    private ForwardFactory Factory => fixture.Factory;

    internal static async Task<DemoHistoryResult> GenerateAsync(ForwardFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DemoHistory>().GenerateAsync(DemoHistoryFixture.Months, Seed);
    }

    private async Task<T> WithDbAsync<T>(Func<ForwardDbContext, Task<T>> action) => await WithDbAsync(Factory, action);

    private static async Task<T> WithDbAsync<T>(ForwardFactory factory, Func<ForwardDbContext, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForwardDbContext>());
    }

    /// <summary>Every history appointment with its slot: start, hub, status, channel, in a stable order, hashed.</summary>
    private static Task<(int Slots, int Patients, int Appointments, int Reminders, string Checksum)> FingerprintAsync(ForwardFactory factory) =>
        WithDbAsync(factory, async db =>
        {
            var rows = await db.AppointmentSlots.AsNoTracking()
                .Where(s => s.Appointment!.BookedBy == DemoHistory.BookedBy)
                .Select(s => new { s.Slot!.StartUtc, HubCode = s.Slot.Hub!.Code, s.Slot.ClinicianIndex, SessionName = s.Slot.Session!.Name, s.Appointment!.Status, s.Appointment.Channel, s.Appointment.Patient!.NhsNumber, s.Appointment.CreatedUtc })
                .ToListAsync();
            var lines = rows
                .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.StartUtc:O}|{r.HubCode}|{r.SessionName}|{r.ClinicianIndex}|{r.Status}|{r.Channel}|{r.NhsNumber}|{r.CreatedUtc:O}"))
                .Order(StringComparer.Ordinal);
            var checksum = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
            var (from, to) = DemoHistory.RangeFor(London.Today(factory.Clock), DemoHistoryFixture.Months);
            var fromUtc = London.StartOfDayUtc(from);
            var toUtc = London.StartOfDayUtc(to.AddDays(1));
            var slots = await db.Slots.CountAsync(s => s.StartUtc >= fromUtc && s.StartUtc < toUtc);
            var patients = await db.Patients.CountAsync(p => p.IsSynthetic);
            var appointments = await db.Appointments.CountAsync(a => a.BookedBy == DemoHistory.BookedBy);
            var reminders = await db.OutboxMessages.CountAsync(m => m.Kind == NotificationKind.Reminder);
            return (slots, patients, appointments, reminders, checksum);
        });

    [Fact]
    public async Task Covers_two_months_up_to_yesterday_and_writes_every_kind_of_row()
    {
        var result = fixture.Result;
        Assert.False(result.AlreadyPresent);
        Assert.Equal(new DateOnly(2026, 4, 8), result.From);
        Assert.Equal(new DateOnly(2026, 6, 7), result.To);
        Assert.True(result.Slots > 10_000, $"{result.Slots} slots");
        Assert.True(result.Patients > 1_000, $"{result.Patients} patients");
        Assert.Equal(result.Attended + result.DidNotAttend + result.Cancelled, result.Appointments);
        Assert.True(result.Reminders > 0);

        var (slots, patients, appointments, reminders, _) = await FingerprintAsync(Factory);
        Assert.Equal(result.Slots, slots);
        Assert.Equal(result.Patients + DemoPatients.Count, patients);
        Assert.Equal(result.Appointments, appointments);
        Assert.Equal(result.Reminders, reminders);

        // Nothing today or later: that is the slot horizon's range.
        var todayUtc = London.StartOfDayUtc(new DateOnly(2026, 6, 8));
        Assert.False(await WithDbAsync(db => db.Appointments.AnyAsync(a => a.BookedBy == DemoHistory.BookedBy && a.StartUtc >= todayUtc)));

        // Each appointment was booked with its slot's clinician type and mode (bulk-written: no column left to its default).
        var booked = await WithDbAsync(db => db.AppointmentSlots.AsNoTracking()
            .Where(h => h.Appointment!.BookedBy == DemoHistory.BookedBy)
            .Select(h => new { AppointmentRole = h.Appointment!.Role.ToString(), AppointmentMode = h.Appointment.Mode.ToString(), SlotRole = h.Slot!.Role.ToString(), SlotMode = h.Slot.Mode.ToString() })
            .ToListAsync());
        Assert.Equal(result.Appointments, booked.Count);
        Assert.All(booked, b => Assert.Equal((b.SlotRole, b.SlotMode), (b.AppointmentRole, b.AppointmentMode)));
    }

    [Fact]
    public async Task Same_seed_and_day_on_a_fresh_database_gives_identical_rows_and_a_second_run_adds_nothing()
    {
        var first = await FingerprintAsync(Factory);

        // Idempotent: the marker is found and nothing is written.
        var again = await GenerateAsync(Factory);
        Assert.True(again.AlreadyPresent);
        Assert.Equal(0, again.Appointments);
        Assert.Equal(first, await FingerprintAsync(Factory));

        using var other = new ForwardFactory();
        var result = await GenerateAsync(other);
        Assert.Equal(fixture.Result, result);
        Assert.Equal(first, await FingerprintAsync(other));
    }

    [Fact]
    public async Task A_different_seed_gives_a_different_history()
    {
        using var other = new ForwardFactory();
        await using var scope = other.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<DemoHistory>().GenerateAsync(DemoHistoryFixture.Months, Seed + 1);
        Assert.False(result.AlreadyPresent);
        Assert.NotEqual((await FingerprintAsync(Factory)).Checksum, (await FingerprintAsync(other)).Checksum);
    }

    [Fact]
    public async Task Rates_land_in_the_stated_ranges()
    {
        var result = fixture.Result;
        var cancelled = (double)result.Cancelled / result.Appointments;
        Assert.InRange(cancelled, 0.05, 0.10);

        var held = result.Attended + result.DidNotAttend;
        var utilisation = (double)held / result.Slots;
        Assert.InRange(utilisation, 0.60, 0.90);
        Assert.InRange((double)result.DidNotAttend / held, 0.02, 0.10);

        var mix = await WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => a.BookedBy == DemoHistory.BookedBy)
            .GroupBy(a => a.Channel).Select(g => new { Channel = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Channel, g => g.Count));
        Assert.Equal(4, mix.Count);
        Assert.True(mix[BookingChannel.Practice] > result.Appointments / 2, "practices book most appointments");

        // Created 0–14 days before the start, some on the day itself.
        var leads = await WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => a.BookedBy == DemoHistory.BookedBy)
            .Select(a => new { a.CreatedUtc, a.StartUtc, a.CancelledUtc, a.Status }).ToListAsync());
        Assert.All(leads, a =>
        {
            Assert.True(a.CreatedUtc < a.StartUtc);
            Assert.InRange((a.StartUtc - a.CreatedUtc).TotalDays, 0, DemoHistoryRates.MaxDaysAhead + 1);
            Assert.Equal(a.Status == AppointmentStatus.Cancelled, a.CancelledUtc is not null);
            if (a.CancelledUtc is { } c)
            {
                Assert.True(c > a.CreatedUtc && c < a.StartUtc);
            }
        });
        var sameDay = leads.Count(a => DateOnly.FromDateTime(London.ToLocal(a.CreatedUtc)) == DateOnly.FromDateTime(London.ToLocal(a.StartUtc)));
        Assert.InRange((double)sameDay / leads.Count, 0.15, 0.45);
    }

    [Fact]
    public async Task No_slot_is_double_booked_and_no_patient_has_two_appointments_on_a_day()
    {
        var doubleHeld = await WithDbAsync(db => db.AppointmentSlots.AsNoTracking().Where(s => s.IsActive)
            .GroupBy(s => s.SlotId).Where(g => g.Count() > 1).Select(g => g.Key).ToListAsync());
        Assert.Empty(doubleHeld);

        // Cancelled holds are inactive; every held slot is Booked and every booked history slot is held.
        Assert.False(await WithDbAsync(db => db.AppointmentSlots.AnyAsync(s => s.IsActive == (s.Appointment!.Status == AppointmentStatus.Cancelled))));
        Assert.False(await WithDbAsync(db => db.AppointmentSlots.AnyAsync(s => s.IsActive && s.Slot!.Status != SlotStatus.Booked)));
        var fromUtc = London.StartOfDayUtc(fixture.Result.From);
        var toUtc = London.StartOfDayUtc(fixture.Result.To.AddDays(1));
        Assert.False(await WithDbAsync(db => db.Slots.AnyAsync(s => s.StartUtc >= fromUtc && s.StartUtc < toUtc && s.Status == SlotStatus.Booked
            && !db.AppointmentSlots.Any(h => h.SlotId == s.Id && h.IsActive))));

        var perPatientDay = await WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => a.BookedBy == DemoHistory.BookedBy)
            .Select(a => new { a.PatientId, a.StartUtc }).ToListAsync());
        Assert.Equal(perPatientDay.Count, perPatientDay.Select(a => (a.PatientId, DateOnly.FromDateTime(London.ToLocal(a.StartUtc)))).Distinct().Count());

        // Patients are registered with a practice the hub serves.
        Assert.False(await WithDbAsync(db => db.Appointments.AnyAsync(a => a.BookedBy == DemoHistory.BookedBy
            && !db.HubPractices.Any(hp => hp.HubId == a.HubId && hp.PracticeId == a.Patient!.RegisteredPracticeId))));
    }

    [Fact]
    public async Task Every_booking_was_made_inside_its_channels_window_and_its_hubs()
    {
        // The live booking rules (BookingRules.CheckCanBook) with the app's own policy: history the live system would
        // have refused (NHS 111 five days ahead, online an hour before) is not history.
        var policy = Factory.Services.GetRequiredService<IOptions<BookingPolicy>>().Value;
        var bookings = await WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => a.BookedBy == DemoHistory.BookedBy)
            .Select(a => new { a.Id, a.Channel, a.CreatedUtc, a.StartUtc, HubCode = a.Hub!.Code, a.Hub.MaximumBookingAheadHours }).ToListAsync());
        Assert.Contains(bookings, b => b.MaximumBookingAheadHours is not null);
        var outside = bookings.Where(b =>
        {
            var lead = b.StartUtc - b.CreatedUtc;
            var window = policy.WindowFor(b.Channel);
            return lead <= TimeSpan.Zero || lead < window.MinimumNotice || lead > window.MaximumAhead
                || (b.MaximumBookingAheadHours is { } hours && lead > TimeSpan.FromHours(hours));
        }).ToList();
        Assert.True(outside.Count == 0, string.Create(CultureInfo.InvariantCulture, $"{outside.Count} of {bookings.Count} bookings outside their window, e.g. ")
            + string.Join("; ", outside.Take(5).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Id} {b.Channel} at {b.HubCode} (hub {b.MaximumBookingAheadHours?.ToString(CultureInfo.InvariantCulture) ?? "-"} h) {(b.StartUtc - b.CreatedUtc).TotalHours:F1} h ahead"))));
    }

    [Fact]
    public async Task A_freed_slot_is_booked_again_only_after_the_cancellation_freed_it()
    {
        // A hold runs from booking to cancellation, or for good; two on one slot must not overlap.
        var holds = await WithDbAsync(db => db.AppointmentSlots.AsNoTracking().Where(h => h.Appointment!.BookedBy == DemoHistory.BookedBy)
            .Select(h => new { h.SlotId, h.AppointmentId, h.Appointment!.CreatedUtc, h.Appointment.CancelledUtc }).ToListAsync());
        var rebooked = holds.GroupBy(h => h.SlotId).Where(g => g.Count() > 1).ToList();
        Assert.NotEmpty(rebooked);
        var overlapping = rebooked.Where(g => g.Any(a => g.Any(b => a.AppointmentId != b.AppointmentId
            && a.CreatedUtc < (b.CancelledUtc ?? DateTime.MaxValue) && b.CreatedUtc < (a.CancelledUtc ?? DateTime.MaxValue)))).ToList();
        Assert.True(overlapping.Count == 0, string.Create(CultureInfo.InvariantCulture, $"{overlapping.Count} of {rebooked.Count} rebooked slots held twice at once, e.g. ")
            + string.Join("; ", overlapping.Take(3).Select(g => string.Create(CultureInfo.InvariantCulture, $"slot {g.Key}: ")
                + string.Join(", ", g.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.AppointmentId} {h.CreatedUtc:O}..{h.CancelledUtc:O}"))))));
    }

    [Fact]
    public async Task Reminders_are_sent_only_from_each_hubs_go_live_date_and_DNA_falls_after_it()
    {
        var (from, to) = (fixture.Result.From, fixture.Result.To);
        var reminders = await WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Join(db.Appointments, m => m.AppointmentId, a => a.Id, (m, a) => new { m.Kind, m.Channel, m.Status, m.SentUtc, m.IdempotencyKey, m.AppointmentId, a.StartUtc, a.CreatedUtc, HubCode = a.Hub!.Code })
            .ToListAsync());
        Assert.NotEmpty(reminders);
        Assert.All(reminders, r =>
        {
            Assert.Equal(NotificationKind.Reminder, r.Kind);
            Assert.Equal(OutboxStatus.Sent, r.Status);
            Assert.Equal(NotificationRules.ReminderDue(r.StartUtc, TimeSpan.FromHours(24)), r.SentUtc);
            Assert.True(r.CreatedUtc < r.SentUtc, "a reminder is due after the booking was made");
            Assert.Equal(OutboxMessage.KeyFor(r.AppointmentId!.Value, NotificationKind.Reminder, NotificationChannel.Sms), r.IdempotencyKey);
            var live = DemoHistory.RemindersLiveOn(r.HubCode, from, to, Seed);
            Assert.True(DateOnly.FromDateTime(London.ToLocal(r.StartUtc)) >= live, $"{r.HubCode}: reminder before go-live {live}");
        });

        var outcomes = await WithDbAsync(db => db.Appointments.AsNoTracking()
            .Where(a => a.BookedBy == DemoHistory.BookedBy && a.Status != AppointmentStatus.Cancelled)
            .Select(a => new { HubCode = a.Hub!.Code, a.StartUtc, a.Status }).ToListAsync());
        var split = outcomes.ToLookup(a => DateOnly.FromDateTime(London.ToLocal(a.StartUtc)) >= DemoHistory.RemindersLiveOn(a.HubCode, from, to, Seed));
        double Dna(IEnumerable<AppointmentStatus> s)
        {
            var list = s.ToList();
            return (double)list.Count(x => x == AppointmentStatus.DidNotAttend) / list.Count;
        }

        var before = Dna(split[false].Select(a => a.Status));
        var after = Dna(split[true].Select(a => a.Status));
        Assert.InRange(before, 0.06, 0.10);
        Assert.InRange(after, 0.02, 0.05);
        Assert.True(after < before, $"DNA after reminders {after:P1} should be below before {before:P1}");

        // Go-live dates lie between a quarter and three quarters of the way through the history.
        var hubCodes = await WithDbAsync(db => db.Hubs.Select(h => h.Code).ToListAsync());
        Assert.All(hubCodes, code => Assert.InRange(DemoHistory.RemindersLiveOn(code, from, to, Seed), from.AddDays(15), to.AddDays(-15)));
    }

    [Fact]
    public async Task Compliance_api_for_a_seeded_CCG_over_the_history_shows_capacity_and_DNA()
    {
        var client = Factory.CreateClient();
        var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "commissioner.beds", password = ForwardFactory.DemoPassword });
        token.EnsureSuccessStatusCode();
        var accessToken = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var ccgId = await WithDbAsync(db => db.Ccgs.Where(c => c.OdsCode == "06F").Select(c => c.Id).SingleAsync());

        var response = await client.GetAsync(new Uri($"/api/v1/compliance?level=ccg&id={ccgId}&from={fixture.Result.From:yyyy-MM-dd}&to={fixture.Result.To:yyyy-MM-dd}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var figures = JsonDocument.Parse(body).RootElement.GetProperty("figures");
        Assert.True(figures.GetProperty("minutesPer1000PerWeek").GetDecimal() > 0);
        Assert.InRange(figures.GetProperty("dnaRate").GetDecimal(), 0.02m, 0.10m);
        Assert.InRange(figures.GetProperty("utilisation").GetDecimal(), 0.55m, 0.95m);
        Assert.InRange(figures.GetProperty("cancellationRate").GetDecimal(), 0.03m, 0.12m);
        Assert.True(figures.GetProperty("totals").GetProperty("appointments").GetInt32() > 0);
    }
}
