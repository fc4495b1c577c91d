using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Pages;

public sealed partial class BookingPagesTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static Dictionary<string, string> PatientFields(string? nhsNumber = null, string consent = "Granted") => new()
    {
        ["Input.NhsNumber"] = nhsNumber ?? TestPatients.NewNhsNumber(),
        ["Input.GivenName"] = "Robin",
        ["Input.FamilyName"] = "Pagetester",
        ["Input.DateOfBirth"] = "1975-11-02",
        ["Input.Phone"] = "07700 900456",
        ["Input.Reason"] = "Persistent cough",
        ["Input.Consent"] = consent,
    };

    private static readonly string[] DateParts = ["Day", "Month", "Year"];

    private static string BookUrl(long slotId, string practiceOds) => $"/Booking/Book?slotId={slotId}&practice={practiceOds}";

    /// <summary>The booking form for the world's first free slot, for a patient of practice A: the slot, its address and its HTML.</summary>
    private static async Task<(Slot Slot, string Url, string Form)> OpenFormAsync(TestWorld world, PageClient client)
    {
        var slot = (await world.FreeSlotsAsync())[0];
        var url = BookUrl(slot.Id, world.PracticeA.OdsCode);
        var (_, form) = await client.GetAsync(url);
        return (slot, url, form);
    }

    /// <summary>Posts the booking form as a browser would: the token and idempotency key come from the rendered form.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(PageClient client, string url, string formHtml, IDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = PageClient.AntiforgeryToken(formHtml) ?? throw new InvalidOperationException("No anti-forgery token on the form."),
            ["SlotId"] = HiddenValue(formHtml, "SlotId"),
            ["Input.IdempotencyKey"] = HiddenValue(formHtml, "Input.IdempotencyKey"),
        };
        if (HiddenOrInputValue(formHtml, "Input.RegisteredPracticeOds") is { } practice)
        {
            form.TryAdd("Input.RegisteredPracticeOds", practice);
        }

        using var content = new FormUrlEncodedContent(form);
        return await client.Http.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    private static string HiddenValue(string html, string name) =>
        HiddenOrInputValue(html, name) ?? throw new InvalidOperationException($"No field {name} on the form.");

    private static string? HiddenOrInputValue(string html, string name)
    {
        var match = Regex.Match(html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private static long AppointmentId(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        var match = ConfirmationPath().Match(location);
        Assert.True(match.Success, $"Expected a redirect to the confirmation page, got {location}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static List<long> BookedSlotLinks(string html) =>
        SlotLink().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    private static Task<SlotStatus> SlotStatusAsync(TestWorld world, long slotId) =>
        world.WithDbAsync(async db => (await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slotId)).Status);

    private static Task<int> AppointmentsForAsync(TestWorld world, string nhsNumber) =>
        world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == nhsNumber));

    [Fact]
    public async Task Practice_staff_find_free_slots_at_their_own_hub_only()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await client.GetAsync("/Booking/Find");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(world.PracticeA.Name, html, StringComparison.Ordinal);
        Assert.Contains($"Test Hub {world.Prefix[1..]}", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"Other Hub {world.Prefix[1..]}", html, StringComparison.Ordinal);

        // Every Book link is a free slot at the hub that serves practice A, and the first week's evenings are all there.
        var linked = BookedSlotLinks(html);
        Assert.NotEmpty(linked);
        var hubs = await world.WithDbAsync(db => db.Slots.Where(s => linked.Contains(s.Id)).Select(s => s.HubId).Distinct().ToListAsync());
        Assert.Equal(new[] { world.HubId }, hubs);
        Assert.Contains("Monday 8 June 2026", html, StringComparison.Ordinal);
        Assert.Contains("Friday 12 June 2026", html, StringComparison.Ordinal);
        Assert.Contains($"/Booking/Book?slotId={linked[0]}&amp;practice={world.PracticeA.OdsCode}\"", html, StringComparison.Ordinal); // no dates: the search's were the defaults

        // Filters narrow the list: the nurse telephone session only.
        var (_, phoneOnly) = await client.GetAsync("/Booking/Find?From=2026-06-08&To=2026-06-08&Mode=Telephone");
        var phoneSlots = BookedSlotLinks(phoneOnly);
        Assert.NotEmpty(phoneSlots);
        var modes = await world.WithDbAsync(db => db.Slots.Where(s => phoneSlots.Contains(s.Id)).Select(s => s.Mode).Distinct().ToListAsync());
        Assert.Equal(new[] { DeliveryMode.Telephone }, modes);

        // The booking form's "Back to search" returns to the same search, filters and all.
        var (_, book) = await client.GetAsync($"/Booking/Book?slotId={phoneSlots[0]}&practice={world.PracticeA.OdsCode}&From=2026-06-08&To=2026-06-08&Mode=Telephone");
        Assert.Contains("href=\"/Booking/Find?From=2026-06-08&amp;To=2026-06-08&amp;Mode=Telephone\"", book, StringComparison.Ordinal);
        Assert.Contains("&amp;From=2026-06-08&amp;To=2026-06-08&amp;Mode=Telephone\"", phoneOnly, StringComparison.Ordinal); // the Book links carry it
    }

    [Fact]
    public async Task A_search_says_which_hubs_list_only_their_nearer_booking_window()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.DoesNotContain("data-hub-window", (await client.GetAsync("/Booking/Find")).Html, StringComparison.Ordinal);

        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.MaximumBookingAheadHours, 48)));
        var (status, html) = await client.GetAsync("/Booking/Find");

        // The practice's only hub stops at 48 hours: the dates left empty stop there too, and that is said once (old code:
        // Monday to Sunday, with this and the hub's own paragraph saying the same).
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(BookedSlotLinks(html));
        Assert.Contains($"{world.PracticeA.OdsCode}), Monday 8 June 2026 to Wednesday 10 June 2026.", html, StringComparison.Ordinal);
        Assert.Contains("name=\"To\" type=\"date\" value=\"2026-06-10\"", html, StringComparison.Ordinal);
        Assert.Contains($"You can book up to 09:00 on Wednesday 10 June 2026, as far ahead as Test Hub {world.Prefix[1..]} takes bookings, so later appointments are not listed.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-hub-window", html, StringComparison.Ordinal);

        // With another hub serving the practice that books further, the nearer hub's window is said on its own.
        await world.WithDbAsync(db =>
        {
            db.HubPractices.Add(new HubPractice { HubId = world.OtherHubId, PracticeId = world.PracticeA.Id });
            return db.SaveChangesAsync();
        });
        (_, html) = await client.GetAsync("/Booking/Find");
        Assert.Contains($"Test Hub {world.Prefix[1..]} takes bookings only up to 48 hours ahead, whoever books, so its later appointments are not listed.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-bookable-until", html, StringComparison.Ordinal);
        Assert.Contains($"{world.PracticeA.OdsCode}), Monday 8 June 2026 to Sunday 14 June 2026.", html, StringComparison.Ordinal);

        // A search of today alone lost nothing to the window: nothing is said.
        var (_, today) = await client.GetAsync("/Booking/Find?From=2026-06-08&To=2026-06-08");
        Assert.NotEmpty(BookedSlotLinks(today));
        Assert.DoesNotContain("data-hub-window", today, StringComparison.Ordinal);

        // NHS 111's own window is 48 hours already: nothing is left out for it, so nothing is said.
        using var nhs111 = await PageClient.SignedInAsync(factory, world.Nhs111);
        var (_, forNhs111) = await nhs111.GetAsync($"/Booking/Find?PracticeOds={world.PracticeA.OdsCode}&From=2026-06-08&To=2026-06-09");
        Assert.NotEmpty(BookedSlotLinks(forNhs111));
        Assert.DoesNotContain("data-hub-window", forNhs111, StringComparison.Ordinal);
        Assert.DoesNotContain("data-bookable-until", forNhs111, StringComparison.Ordinal);

        // Dates past how far its own service books are told as such (old code: "No free appointments ... You could: search
        // later dates", where later dates can never be booked by it).
        var (_, beyond) = await nhs111.GetAsync($"/Booking/Find?PracticeOds={world.PracticeA.OdsCode}&From=2026-06-12&To=2026-06-14");
        Assert.Empty(BookedSlotLinks(beyond));
        Assert.Contains("You can book up to 09:00 on Wednesday 10 June 2026, as far ahead as bookings from your service go, so later appointments are not listed.", beyond, StringComparison.Ordinal);
        Assert.DoesNotContain("search later dates", beyond, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_past_where_every_hub_serving_the_practice_stops_says_when_that_is_and_not_to_search_later()
    {
        var world = await TestWorld.CreateAsync(factory);
        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.MaximumBookingAheadHours, 48)));
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // Practice A's only hub takes bookings 48 hours ahead (old code: "You could: search later dates, up to 14 days at
        // a time" and "You can book up to 14 days ahead", where no later date can ever be booked).
        var (status, html) = await client.GetAsync("/Booking/Find?From=2026-06-12&To=2026-06-18");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("0 free appointments", html, StringComparison.Ordinal);
        Assert.Contains($"You can book up to 09:00 on Wednesday 10 June 2026, as far ahead as Test Hub {world.Prefix[1..]} takes bookings, so later appointments are not listed.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("search later dates", html, StringComparison.Ordinal);
        Assert.Contains("You can book up to 48 hours ahead.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("14 days ahead", html, StringComparison.Ordinal);

        // A hub clinician books only at their own hub, so its window is theirs before they search.
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var (_, blank) = await clinician.GetAsync("/Booking/Find");
        Assert.Contains("You can book up to 48 hours ahead.", blank, StringComparison.Ordinal);

        // Another hub serving the practice, without a window of its own, books the later dates: searching them can help.
        await world.WithDbAsync(db =>
        {
            db.HubPractices.Add(new HubPractice { HubId = world.OtherHubId, PracticeId = world.PracticeA.Id });
            return db.SaveChangesAsync();
        });
        var (_, mixed) = await client.GetAsync("/Booking/Find?From=2026-06-12&To=2026-06-18");
        Assert.NotEmpty(BookedSlotLinks(mixed));
        Assert.DoesNotContain("data-bookable-until", mixed, StringComparison.Ordinal);
        Assert.Contains("You can book up to 14 days ahead.", mixed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clinician_of_a_closed_hub_is_told_so_rather_than_shown_no_appointments()
    {
        var world = await TestWorld.CreateAsync(factory);
        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.IsActive, false)));
        using var client = await PageClient.SignedInAsync(factory, world.HubClinician);

        // Old code: "0 free appointments" and advice to search later dates or any clinician.
        var (status, html) = await client.GetAsync($"/Booking/Find?PracticeOds={world.PracticeA.OdsCode}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Your hub (Test Hub {world.Prefix[1..]}) is closed, so it takes no bookings.", html, StringComparison.Ordinal);
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.DoesNotContain("free appointments", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_clinician_searching_for_a_practice_their_hub_does_not_serve_is_told_so_on_the_practice()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.HubClinician);
        var expected = $"Your hub (Test Hub {world.Prefix[1..]}) does not serve {world.PracticeB.Name} ({world.PracticeB.OdsCode})";

        // Old code: "0 free appointments" and advice (later dates, any clinician) that could never find one.
        var (status, typed) = await client.GetAsync($"/Booking/Find?PracticeCode={world.PracticeB.OdsCode}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<a href=\"#PracticeCode\">{expected}</a>", typed, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"nhsuk-error-message\" id=\"PracticeCode-error\"><span class=\"nhsuk-u-visually-hidden\">Error: </span>{expected}</span>", typed, StringComparison.Ordinal); // on the field too
        Assert.DoesNotContain("free appointments", typed, StringComparison.Ordinal);
        Assert.DoesNotContain("search later dates", typed, StringComparison.Ordinal);

        var (_, chosen) = await client.GetAsync($"/Booking/Find?PracticeOds={world.PracticeB.OdsCode}&From=2026-06-08&To=2026-06-09");
        Assert.Contains($"<a href=\"#PracticeOds\">{expected}</a>", chosen, StringComparison.Ordinal);
        Assert.DoesNotContain("free appointments", chosen, StringComparison.Ordinal);

        // The practice their hub serves is searched as before.
        var (_, own) = await client.GetAsync($"/Booking/Find?PracticeOds={world.PracticeA.OdsCode}&From=2026-06-08&To=2026-06-09");
        Assert.NotEmpty(BookedSlotLinks(own));
    }

    [Fact]
    public async Task Nhs111_chooses_the_practice_and_search_errors_link_to_their_fields()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.Nhs111);

        // Nothing is searched until the form is sent.
        var (status, blank) = await client.GetAsync("/Booking/Find");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(BookedSlotLinks(blank));
        Assert.DoesNotContain("nhsuk-error-summary", blank, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{world.PracticeB.OdsCode}\">", blank, StringComparison.Ordinal);

        // The dates default to today up to the end of NHS 111's 48-hour window (Monday 09:00 → Wednesday).
        Assert.Matches("id=\"From\"[^>]*value=\"2026-06-08\"", blank);
        Assert.Matches("id=\"To\"[^>]*value=\"2026-06-10\"", blank);

        var (_, missing) = await client.GetAsync("/Booking/Find?PracticeOds=&From=2026-06-08&To=2026-06-09");
        Assert.Contains("<a href=\"#PracticeOds\">Choose the patient&#x27;s registered practice</a>", missing, StringComparison.Ordinal);

        var (_, badDates) = await client.GetAsync($"/Booking/Find?PracticeOds={world.PracticeA.OdsCode}&From=2026-06-01&To=2026-06-30");
        Assert.Contains("<a href=\"#From\">Start date must be today or later</a>", badDates, StringComparison.Ordinal);
        Assert.Empty(BookedSlotLinks(badDates));

        // A typed ODS code wins over the list, and its errors link to the code box.
        var (_, unknown) = await client.GetAsync($"/Booking/Find?PracticeOds={world.PracticeA.OdsCode}&PracticeCode=ZZZ999");
        Assert.Contains("<a href=\"#PracticeCode\">No practice has the code ZZZ999</a>", unknown, StringComparison.Ordinal);

        var (_, practiceB) = await client.GetAsync($"/Booking/Find?PracticeCode={world.PracticeB.OdsCode.ToLowerInvariant()}&From=2026-06-08&To=2026-06-09");
        var slots = BookedSlotLinks(practiceB);
        Assert.NotEmpty(slots);
        var hubs = await world.WithDbAsync(db => db.Slots.Where(s => slots.Contains(s.Id)).Select(s => s.HubId).Distinct().ToListAsync());
        Assert.Equal(new[] { world.OtherHubId }, hubs);
    }

    [Fact]
    public async Task A_practice_code_no_practice_could_have_is_no_practice_on_the_booking_form()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.Nhs111);
        var slot = (await world.FreeSlotsAsync())[0];

        // PostgreSQL refuses a NUL in a text parameter: the form answered 500 there.
        var (status, html) = await client.GetAsync($"/Booking/Book?slotId={slot.Id}&practice=%00");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("\u0000", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reason_box_counts_characters_rather_than_cutting_text_off()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];

        var (_, html) = await client.GetAsync(BookUrl(slot.Id, world.PracticeA.OdsCode));

        var group = Regex.Match(html, "<div class=\"nhsuk-form-group nhsuk-character-count\" data-module=\"nhsuk-character-count\" data-maxlength=\"500\">(.*?)</div>\\s*</div>", RegexOptions.Singleline);
        Assert.True(group.Success, "no character count around the reason");
        var textarea = Regex.Match(group.Value, "<textarea [^>]*>").Value;
        Assert.Contains("id=\"Input_Reason\"", textarea, StringComparison.Ordinal);
        Assert.Contains("nhsuk-js-character-count", textarea, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"Input_Reason-info Input_Reason-hint\"", textarea, StringComparison.Ordinal);
        Assert.DoesNotContain("maxlength", textarea, StringComparison.Ordinal);
        Assert.Contains("<div class=\"nhsuk-hint nhsuk-character-count__message\" id=\"Input_Reason-info\">You can enter up to 500 characters</div>", group.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Role=GeneralPractitioner,PracticeNurse", "Choose a clinician from the list")] // old code: the nurse's slots, no error
    [InlineData("Role=PracticeNurse&Role=GeneralPractitioner", "Choose a clinician from the list")] // old code: the first, the nurse's
    [InlineData("Role=1", "Choose a clinician from the list")] // old code: the nurse's slots
    [InlineData("Mode=FaceToFace,Telephone", "Choose a type of appointment from the list")] // old code: the telephone slots
    public async Task A_search_filter_that_is_not_one_name_sent_once_is_a_field_error_not_another_filter(string query, string message)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await client.GetAsync("/Booking/Find?From=2026-06-08&To=2026-06-08&" + query);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.DoesNotContain("free appointments", html, StringComparison.Ordinal);
        Assert.Empty(BookedSlotLinks(html));

        // One name, in any case, still filters.
        var gps = BookedSlotLinks((await client.GetAsync("/Booking/Find?From=2026-06-08&To=2026-06-08&Role=generalpractitioner")).Html);
        Assert.NotEmpty(gps);
        Assert.Equal([ClinicianRole.GeneralPractitioner], await world.WithDbAsync(db => db.Slots.Where(s => gps.Contains(s.Id)).Select(s => s.Role).Distinct().ToListAsync()));
    }

    [Fact]
    public async Task An_empty_search_says_so_helpfully()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // The world's hubs run no video sessions.
        var (status, html) = await client.GetAsync("/Booking/Find?Mode=Video");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("0 free appointments", html, StringComparison.Ordinal);
        Assert.Contains("No free appointments match your search", html, StringComparison.Ordinal);
        Assert.Empty(BookedSlotLinks(html));
    }

    [Fact]
    public async Task The_form_sent_again_for_another_patient_says_its_slot_was_booked_for_the_first()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, url, form) = await OpenFormAsync(world, client);
        var id = AppointmentId(await SubmitAsync(client, url, form, PatientFields()));

        // Back, another patient's details, book: the same form, so the same key.
        var again = await SubmitAsync(client, url, form, PatientFields());
        var html = await again.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("This slot was booked from this page a moment ago, with the patient and details you entered first.", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Appointments/Details/{id}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("idempotency key", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.BookedBy == world.PracticeStaffA)));
    }

    [Fact]
    public async Task The_form_sent_again_with_consent_changed_keeps_the_first_booking_and_says_the_change_was_not_saved()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, url, form) = await OpenFormAsync(world, client);
        var fields = PatientFields();
        var id = AppointmentId(await SubmitAsync(client, url, form, fields));

        // Back, the patient now says no to sharing their record, book: that must not be answered with the "yes".
        fields["Input.Consent"] = "Refused";
        var again = await SubmitAsync(client, url, form, fields);
        var html = await again.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Nothing you changed since was saved.", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Appointments/Details/{id}\"", html, StringComparison.Ordinal);
        Assert.Equal(RecordSharingConsent.Granted, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Consent).SingleAsync()));
    }

    [Theory]
    [InlineData("Input.FamilyName", "Pagetesterson")]
    [InlineData("Input.DateOfBirth", "1957-11-02")]
    [InlineData("Input.Phone", "07700 900999")]
    public async Task The_form_sent_again_with_the_patient_put_right_keeps_the_first_booking_and_says_the_change_was_not_saved(string field, string corrected)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, url, form) = await OpenFormAsync(world, client);
        var fields = PatientFields();
        var id = AppointmentId(await SubmitAsync(client, url, form, fields));

        // Back, a typing mistake put right, book: old code answered with the first booking, as if the correction were
        // in it (texts went on to the wrong number).
        fields[field] = corrected;
        var again = await SubmitAsync(client, url, form, fields);
        var html = await again.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Nothing you changed since was saved.", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Appointments/Details/{id}\"", html, StringComparison.Ordinal);
        var patient = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => new { a.Patient!.FamilyName, a.Patient.DateOfBirth, a.Patient.Phone }).SingleAsync());
        Assert.Equal(("Pagetester", new DateOnly(1975, 11, 2), "07700 900456"), (patient.FamilyName, patient.DateOfBirth, patient.Phone));
    }

    [Fact]
    public async Task The_form_sent_again_after_its_booking_was_cancelled_says_so_and_offers_a_new_form()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var fields = PatientFields();
        var id = AppointmentId(await SubmitAsync(client, url, form, fields));
        using var api = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Booked in error" })).StatusCode);

        // The same details (old code: the confirmation of a cancelled appointment) and other details (old code: "cancel
        // it and book again", when it already was).
        var same = await SubmitAsync(client, url, form, fields);
        fields["Input.Consent"] = "Refused";
        var other = await SubmitAsync(client, url, form, fields);

        foreach (var response in new[] { same, other })
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("The appointment booked from this page has been cancelled since. Nothing was booked now.", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/Booking/Book?slotId={slot.Id}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("cancel it and book again", html, StringComparison.Ordinal);
        }

        Assert.Equal(0, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.BookedBy == world.PracticeStaffA && a.Status == AppointmentStatus.Booked)));
    }

    [Fact]
    public async Task The_form_says_before_anything_is_typed_that_its_slot_was_withdrawn_or_has_started()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        await world.WithDbAsync(db => db.Slots.Where(s => s.Id == slots[0].Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Withdrawn)));

        var (_, withdrawn) = await client.GetAsync(BookUrl(slots[0].Id, world.PracticeA.OdsCode));
        Assert.Contains("The hub no longer offers this appointment", withdrawn, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone else may have just booked it", withdrawn, StringComparison.Ordinal);
        var posted = await SubmitAsync(client, BookUrl(slots[0].Id, world.PracticeA.OdsCode), withdrawn, PatientFields());
        Assert.Contains("The hub no longer offers that slot", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (_, open) = await client.GetAsync(BookUrl(slots[1].Id, world.PracticeA.OdsCode));
        Assert.DoesNotContain("id=\"slot-unbookable\"", open, StringComparison.Ordinal);
        using (factory.Clock.TravelTo(slots[1].StartUtc.AddMinutes(1)))
        {
            using var later = await PageClient.SignedInAsync(factory, world.PracticeStaffA); // the first sign-in has gone idle
            var (_, started) = await later.GetAsync(BookUrl(slots[1].Id, world.PracticeA.OdsCode));
            Assert.Contains("This appointment has already started", started, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_invalid_nhs_number_is_shown_against_the_field_and_books_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);

        var response = await SubmitAsync(client, url, form, PatientFields("9434765918"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_NhsNumber\">NHS number is not valid: its check digit does not match.</a>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"Input_NhsNumber\"", html, StringComparison.Ordinal);
        Assert.Contains("nhsuk-input--error", html, StringComparison.Ordinal);

        // What was typed is kept.
        Assert.Contains("value=\"Pagetester\"", html, StringComparison.Ordinal);
        Assert.Equal(SlotStatus.Free, await SlotStatusAsync(world, slot.Id));
        Assert.Equal(0, await AppointmentsForAsync(world, "9434765918"));
    }

    [Theory]
    [InlineData("31", "2", "1980", "Date of birth must be a real date", "Day Month Year")]
    [InlineData("14", "", "1980", "Date of birth must include a month", "Month")]
    [InlineData("", "", "1980", "Date of birth must include a day and month", "Day Month")]
    [InlineData("14", "3", "80", "Year must include 4 numbers", "Year")]
    [InlineData("1st", "3", "1980", "Date of birth must be a real date", "Day")]
    [InlineData("14", "13", "1980", "Date of birth must be a real date", "Month")]
    public async Task A_date_of_birth_typed_in_three_boxes_says_what_is_wrong_with_it_and_keeps_it(string day, string month, string year, string message, string atFault)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var dayBox = Regex.Match(form, "<input [^>]*name=\"Input.DateOfBirth.Day\"[^>]*>").Value;
        Assert.Contains("id=\"Input_DateOfBirth\"", dayBox, StringComparison.Ordinal); // the error summary's link lands on it
        Assert.Contains("inputmode=\"numeric\"", dayBox, StringComparison.Ordinal);
        var nhs = TestPatients.NewNhsNumber();
        var fields = PatientFields(nhs);
        fields.Remove("Input.DateOfBirth");
        fields["Input.DateOfBirth.Day"] = day;
        fields["Input.DateOfBirth.Month"] = month;
        fields["Input.DateOfBirth.Year"] = year;

        var html = await (await SubmitAsync(client, url, form, fields)).Content.ReadAsStringAsync();

        // The summary links to the first box at fault.
        var firstAtFault = atFault.Split(' ')[0];
        var linked = firstAtFault == "Day" ? "Input_DateOfBirth" : "Input_DateOfBirth-" + firstAtFault.ToLowerInvariant();
        Assert.Contains($"<a href=\"#{linked}\">{message}</a>", html, StringComparison.Ordinal);
        Assert.Contains($"id=\"{linked}\"", html, StringComparison.Ordinal);
        Assert.Contains($"name=\"Input.DateOfBirth.Year\" type=\"text\" value=\"{year}\"", html, StringComparison.Ordinal);

        // Only the boxes the message is about are outlined.
        var outlined = DateParts
            .Where(part => Regex.Match(html, $"<input [^>]*name=\"Input.DateOfBirth.{part}\"[^>]*>").Value.Contains("nhsuk-input--error", StringComparison.Ordinal));
        Assert.Equal(atFault, string.Join(' ', outlined));
        Assert.Equal(0, await AppointmentsForAsync(world, nhs));

        // Put right, the same boxes book.
        var (_, again) = await client.GetAsync(url);
        fields["Input.DateOfBirth.Day"] = "2";
        fields["Input.DateOfBirth.Month"] = "11";
        fields["Input.DateOfBirth.Year"] = "1975";
        var booked = await SubmitAsync(client, url, again, fields);
        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        Assert.Equal(new DateOnly(1975, 11, 2), await world.WithDbAsync(db => db.Patients.Where(p => p.NhsNumber == nhs).Select(p => p.DateOfBirth).SingleAsync()));
    }

    [Fact]
    public async Task A_date_of_birth_that_is_no_date_is_reported_with_everything_else_wrong()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var fields = PatientFields();
        fields.Remove("Input.DateOfBirth");
        fields.Remove("Input.Consent");
        fields["Input.NhsNumber"] = string.Empty;
        fields["Input.DateOfBirth.Day"] = "31";
        fields["Input.DateOfBirth.Month"] = "2";
        fields["Input.DateOfBirth.Year"] = "1980";

        var html = WebUtility.HtmlDecode(await (await SubmitAsync(client, url, form, fields)).Content.ReadAsStringAsync());

        Assert.Contains("<a href=\"#Input_NhsNumber\">Enter the patient's NHS number.</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_DateOfBirth\">Date of birth must be a real date</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_Consent\">Say whether the patient agrees to share their record with the hub</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Enter the patient's date of birth", html, StringComparison.Ordinal);
        Assert.Equal(SlotStatus.Free, await SlotStatusAsync(world, slot.Id));
    }

    [Fact]
    public async Task Every_missing_answer_is_reported_at_once_including_consent()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.Nhs111);
        var (slot, url, form) = await OpenFormAsync(world, client);

        var response = await SubmitAsync(client, url, form, new Dictionary<string, string> { ["Input.NhsNumber"] = string.Empty });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var field in new[] { "Input_NhsNumber", "Input_GivenName", "Input_FamilyName", "Input_DateOfBirth", "Input_Phone", "Input_Consent" })
        {
            Assert.Contains($"<a href=\"#{field}\">", html, StringComparison.Ordinal);
        }

        // The summary lists them in the form's order.
        Assert.True(html.IndexOf("#Input_NhsNumber", StringComparison.Ordinal) < html.IndexOf("#Input_Consent", StringComparison.Ordinal));
        Assert.Equal(SlotStatus.Free, await SlotStatusAsync(world, slot.Id));
    }

    [Fact]
    public async Task A_valid_booking_redirects_to_the_confirmation_with_reference_and_patient()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        Assert.Contains($"Test Hub {world.Prefix[1..]}", form, StringComparison.Ordinal);
        Assert.Contains("Monday 8 June 2026", form, StringComparison.Ordinal);
        Assert.Contains("18:30 to 18:45", form, StringComparison.Ordinal);
        var nhsNumber = TestPatients.NewNhsNumber();

        var response = await SubmitAsync(client, url, form, PatientFields(nhsNumber));
        var id = AppointmentId(response);

        var (status, confirmation) = await client.GetAsync($"/Booking/Confirmation/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("nhsuk-panel", confirmation, StringComparison.Ordinal);
        Assert.Contains($"<strong>{id}</strong>", confirmation, StringComparison.Ordinal);
        Assert.Contains("Robin Pagetester", confirmation, StringComparison.Ordinal);
        Assert.Contains($"{nhsNumber[..3]} {nhsNumber[3..6]} {nhsNumber[6..]}", confirmation, StringComparison.Ordinal);
        Assert.Contains("18:30 to 18:45", confirmation, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Appointments/Details/{id}#cancel\" role=\"button\" draggable=\"false\" data-module=\"nhsuk-button\"", confirmation, StringComparison.Ordinal);
        Assert.Contains("View or cancel appointment", confirmation, StringComparison.Ordinal);

        var booked = await world.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal(RecordSharingConsent.Granted, booked.Consent);
        Assert.Equal(BookingChannel.Practice, booked.Channel);
        Assert.Equal(SlotStatus.Booked, await SlotStatusAsync(world, slot.Id));
    }

    [Fact]
    public async Task The_confirmation_promises_a_reminder_only_when_one_is_queued()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // This evening: inside the 24-hour reminder lead, so the rules plan the text confirmation and no reminder.
        var (soon, soonUrl, soonForm) = await OpenFormAsync(world, client);
        Assert.True(soon.StartUtc < factory.Clock.GetUtcNow().UtcDateTime.AddHours(24));
        var soonId = AppointmentId(await SubmitAsync(client, soonUrl, soonForm, PatientFields()));
        var (_, soonPage) = await client.GetAsync($"/Booking/Confirmation/{soonId}");
        Assert.DoesNotContain("They get a reminder", soonPage, StringComparison.Ordinal);
        Assert.Contains("They get a confirmation by text to 07700 900456, but no reminder: the appointment is too soon for one.", soonPage, StringComparison.Ordinal);

        // Two days ahead: the reminder is queued, and the page says where it goes.
        var later = (await world.FreeSlotsAsync(factory.Clock.GetUtcNow().UtcDateTime.AddDays(2)))[0];
        var laterUrl = BookUrl(later.Id, world.PracticeA.OdsCode);
        var (_, laterForm) = await client.GetAsync(laterUrl);
        var laterId = AppointmentId(await SubmitAsync(client, laterUrl, laterForm, PatientFields()));
        var (_, laterPage) = await client.GetAsync($"/Booking/Confirmation/{laterId}");
        Assert.Contains("They get a reminder by text to 07700 900456 before the appointment.", laterPage, StringComparison.Ordinal);
        Assert.DoesNotContain("no reminder", laterPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_landline_is_booked_and_the_confirmation_promises_no_text()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync(factory.Clock.GetUtcNow().UtcDateTime.AddDays(2)))[0];
        var url = BookUrl(slot.Id, world.PracticeA.OdsCode);
        var (_, form) = await client.GetAsync(url);
        var fields = PatientFields();
        fields["Input.Phone"] = "01632 960001";

        var id = AppointmentId(await SubmitAsync(client, url, form, fields));

        var (_, page) = await client.GetAsync($"/Booking/Confirmation/{id}");
        Assert.DoesNotContain("They get a reminder", page, StringComparison.Ordinal);
        Assert.DoesNotContain("They get a confirmation", page, StringComparison.Ordinal);
        Assert.Contains("They get no text messages about it: texts go only to a UK mobile number, and 01632 960001 is not one.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phone_number_from_another_country_is_a_field_error_and_books_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var fields = PatientFields();
        fields["Input.Phone"] = "+1 212 555 0100";

        var response = await SubmitAsync(client, url, form, fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#Input_Phone\">Enter a UK phone number, like 07700 900 982 or 01632 960 001</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"#Input_NhsNumber\">", html, StringComparison.Ordinal);
        Assert.Equal(0, await AppointmentsForAsync(world, fields["Input.NhsNumber"]));
        Assert.Equal(SlotStatus.Free, await SlotStatusAsync(world, slot.Id));
    }

    [Fact]
    public async Task Submitting_the_same_form_twice_books_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.Nhs111);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var fields = PatientFields();

        var first = await SubmitAsync(client, url, form, fields);
        var second = await SubmitAsync(client, url, form, fields);

        Assert.Equal(AppointmentId(first), AppointmentId(second));
        Assert.Equal(1, await AppointmentsForAsync(world, fields["Input.NhsNumber"]));

        // A fresh form is a fresh booking attempt: it gets a new key.
        var (_, again) = await client.GetAsync(url);
        Assert.NotEqual(HiddenValue(form, "Input.IdempotencyKey"), HiddenValue(again, "Input.IdempotencyKey"));
    }

    [Fact]
    public async Task Booking_a_slot_someone_has_just_taken_shows_the_conflict_and_keeps_the_form()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);

        // Someone else books it through the API while the form is being filled in.
        using var api = await world.ClientAsync(world.HubClinician);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode))).StatusCode);

        var fields = PatientFields();
        var response = await SubmitAsync(client, url, form, fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("<li>That slot is no longer free. Choose another slot.</li>", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{fields["Input.NhsNumber"]}\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Robin\"", html, StringComparison.Ordinal);
        Assert.Matches("<input checked=\"checked\"[^>]*value=\"Granted\"", html);
        Assert.Equal(0, await AppointmentsForAsync(world, fields["Input.NhsNumber"]));
    }

    [Fact]
    public async Task A_booking_post_without_the_anti_forgery_token_is_400_and_books_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var url = BookUrl(slot.Id, world.PracticeA.OdsCode);
        var fields = PatientFields();
        fields["SlotId"] = slot.Id.ToString(CultureInfo.InvariantCulture);
        fields["Input.IdempotencyKey"] = Guid.NewGuid().ToString("N");

        var response = await client.PostFormWithoutTokenAsync(url, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(SlotStatus.Free, await SlotStatusAsync(world, slot.Id));
        Assert.Equal(0, await AppointmentsForAsync(world, fields["Input.NhsNumber"]));
    }

    [Fact]
    public async Task Cancelling_from_the_details_page_frees_the_slot()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var id = AppointmentId(await SubmitAsync(client, url, form, PatientFields()));
        var details = $"/Appointments/Details/{id}";

        var (status, page) = await client.GetAsync(details);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("name=\"CancelReason\"", page, StringComparison.Ordinal);

        // A reason over the limit is refused against the box, and kept there to shorten.
        var tooLong = new string('r', 501);
        var refused = await client.PostFormAsync(details, new Dictionary<string, string> { ["CancelReason"] = tooLong });
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("<a href=\"#CancelReason\">Cancellation reason must be 500 characters or fewer</a>", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("id=\"CancelReason-error\"", refusedHtml, StringComparison.Ordinal);
        Assert.Contains(tooLong + "</textarea>", refusedHtml, StringComparison.Ordinal);
        Assert.Equal(SlotStatus.Booked, await SlotStatusAsync(world, slot.Id));

        var response = await client.PostFormAsync(details, new Dictionary<string, string> { ["CancelReason"] = "Patient feels better" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(details, response.Headers.Location?.OriginalString);

        var (_, after) = await client.GetAsync(details);
        Assert.Contains("Appointment cancelled", after, StringComparison.Ordinal);
        Assert.Contains("nhsuk-tag nhsuk-tag--grey", after, StringComparison.Ordinal);
        Assert.Contains("Patient feels better", after, StringComparison.Ordinal);
        Assert.Matches($"Cancelled</dt>\\s*<dd class=\"nhsuk-summary-list__value\">[^<]+ by {Regex.Escape(world.PracticeStaffA)}</dd>", after); // old code: when, not who
        Assert.DoesNotContain("name=\"CancelReason\"", after, StringComparison.Ordinal);
        Assert.Equal(SlotStatus.Free, await SlotStatusAsync(world, slot.Id));
        Assert.Equal(AppointmentStatus.Cancelled, await world.WithDbAsync(async db => (await db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id)).Status));

        // The same user's cancel sent again (a second press, a retry) finds it done (old code: "There is a problem: This
        // appointment is already cancelled"); someone else's is refused by the service, and the page says why.
        var again = await client.PostFormAsync(details, new Dictionary<string, string> { ["CancelReason"] = string.Empty }, formPage: "/");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("Appointment cancelled", (await client.GetAsync(details)).Html, StringComparison.Ordinal);
        using var hub = await PageClient.SignedInAsync(factory, world.HubClinician);
        var other = await hub.PostFormAsync(details, new Dictionary<string, string> { ["CancelReason"] = string.Empty }, formPage: "/");
        var otherHtml = await other.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("This appointment is already cancelled.", otherHtml, StringComparison.Ordinal); // was "was cancelled and cannot be cancelled"
    }

    [Fact]
    public async Task An_appointment_that_has_started_offers_no_cancel_form_and_says_why()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var id = AppointmentId(await SubmitAsync(client, url, form, PatientFields()));

        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(1)))
        {
            using var later = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
            var (status, page) = await later.GetAsync($"/Appointments/Details/{id}");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("name=\"CancelReason\"", page, StringComparison.Ordinal); // old code: offered, then refused when sent
            Assert.Contains("This appointment has started, so it can no longer be cancelled.", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Appointments_are_shown_only_to_those_who_may_see_them_and_commissioners_cannot_cancel()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (slot, url, form) = await OpenFormAsync(world, client);
        var id = AppointmentId(await SubmitAsync(client, url, form, PatientFields()));

        using var otherPractice = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        var (otherStatus, otherHtml) = await otherPractice.GetAsync($"/Appointments/Details/{id}");
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        Assert.Contains("Page not found", otherHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Pagetester", otherHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await otherPractice.GetAsync($"/Booking/Confirmation/{id}")).Status);

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, html) = await commissioner.GetAsync($"/Appointments/Details/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Commissioners do not see who the patient is", html, StringComparison.Ordinal);
        foreach (var withheld in new[] { "Pagetester", ">NHS number<", "1975", "07700 900456", "Persistent cough" })
        {
            Assert.DoesNotContain(withheld, html, StringComparison.Ordinal);
        }

        Assert.Contains(world.PracticeA.OdsCode, html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"CancelReason\"", html, StringComparison.Ordinal);

        // Even a hand-made cancel post from a commissioner is refused by the service.
        var forced = await commissioner.PostFormAsync($"/Appointments/Details/{id}", new Dictionary<string, string>(), formPage: "/");
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains("Commissioners do not cancel appointments.", await forced.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SlotStatus.Booked, await SlotStatusAsync(world, slot.Id));
    }

    [GeneratedRegex("^/Booking/Confirmation/([0-9]+)$")]
    private static partial Regex ConfirmationPath();

    [GeneratedRegex("/Booking/Book\\?slotId=([0-9]+)")]
    private static partial Regex SlotLink();
}
