using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Every form on every page each role can open (and the public ones), posted back as the page drew it but for one
/// field at a time set to something hostile: empty, huge, a NUL, bidi and emoji, negative and overflowing numbers, an
/// impossible date, markup. The forms are read from the pages themselves, so a new form or field is covered without
/// touching this test. Nothing may answer 500. (What a refused booking may not write is checked field by field in
/// <see cref="HostileInputTests"/>; here some posts legitimately succeed and change things, on a database of this
/// class's own.)
/// </summary>
public sealed partial class HostileFormTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] Values =
    [
        string.Empty, new string('x', 100_000), "\u0000", "\u202Eevil\u0007", "😀", "-1", "99999999999999999999", "2026-02-30", "<b>x</b>",
        "9999-12-31", "0001-01-01", new string('\u0627', 1000), string.Concat(Enumerable.Repeat("😀", 500)),
    ];

    [Fact]
    public async Task Every_form_on_every_page_posted_with_one_hostile_field_never_answers_500()
    {
        var (world, pages) = await WorldWithEveryPageAsync();
        string[] users = ["anonymous", world.Commissioner, world.PracticeStaffA, world.HubClinician, world.Nhs111];

        var failures = new List<string>();
        var posted = 0;
        var formsSeen = new HashSet<string>();
        foreach (var role in users)
        {
            using var client = role == "anonymous" ? new PageClient(factory) : await PageClient.SignedInAsync(factory, role);
            foreach (var page in pages)
            {
                var (status, html) = await client.GetAsync(page);
                if (status != HttpStatusCode.OK || PageClient.AntiforgeryToken(html) is not { } token)
                {
                    continue;
                }

                foreach (var form in PageClient.PostForms(html))
                {
                    var action = WebUtility.HtmlDecode(ActionOf().Match(form) is { Success: true } a ? a.Groups[1].Value : page);
                    if (action.Contains("SignOut", StringComparison.OrdinalIgnoreCase) || action.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var fields = Fields(form);
                    formsSeen.Add($"{action} [{string.Join(',', fields.Keys.Order(StringComparer.Ordinal))}]");
                    foreach (var name in fields.Keys.Where(n => n != "__RequestVerificationToken"))
                    {
                        foreach (var value in Values)
                        {
                            var body = new Dictionary<string, string>(fields) { [name] = value, ["__RequestVerificationToken"] = token };
                            using var content = new FormUrlEncodedContent(body);
                            using var response = await client.Http.PostAsync(new Uri(action, UriKind.Relative), content);
                            posted++;
                            if ((int)response.StatusCode >= 500)
                            {
                                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{action} as {role}: {name}={Shorten(value)} → {(int)response.StatusCode}"));
                            }
                        }
                    }
                }
            }
        }

        Assert.Contains(formsSeen, f => f.StartsWith("/Patient/Cancel", StringComparison.Ordinal));
        Assert.True(formsSeen.Count >= 8, $"only {formsSeen.Count} forms were found: {string.Join("; ", formsSeen)}");
        Assert.True(posted > 500, $"only {posted} posts were sent");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    [Fact]
    public async Task Every_search_form_on_every_page_sent_with_one_hostile_field_never_answers_500()
    {
        // The GET forms (dashboards, lists, searches): their fields arrive as a query string, bound before any handler
        // code, so a value a form never offers (a date of 9999, a NUL) must still be refused politely.
        var (world, pages) = await WorldWithEveryPageAsync();
        string[] users = [world.Commissioner, world.PracticeStaffA, world.HubClinician, world.Nhs111];

        var failures = new List<string>();
        var sent = 0;
        var formsSeen = new HashSet<string>();
        foreach (var role in users)
        {
            using var client = await PageClient.SignedInAsync(factory, role);
            foreach (var page in pages)
            {
                var (status, html) = await client.GetAsync(page);
                if (status != HttpStatusCode.OK)
                {
                    continue;
                }

                foreach (Match form in GetForm().Matches(html))
                {
                    var action = WebUtility.HtmlDecode(ActionOf().Match(form.Value) is { Success: true } a ? a.Groups[1].Value : page.Split('?')[0]);
                    var fields = Fields(form.Value);
                    formsSeen.Add($"{action} [{string.Join(',', fields.Keys.Order(StringComparer.Ordinal))}]");
                    foreach (var name in fields.Keys)
                    {
                        foreach (var value in Values.Where(v => v.Length < 10_000))
                        {
                            var query = new Dictionary<string, string>(fields) { [name] = value };
                            var url = action + (action.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
                            var (answer, _) = await client.GetAsync(url);
                            sent++;
                            if ((int)answer >= 500)
                            {
                                failures.Add(string.Create(CultureInfo.InvariantCulture, $"GET {action} as {role}: {name}={Shorten(value)} → {(int)answer}"));
                            }
                        }
                    }
                }
            }
        }

        Assert.True(formsSeen.Count >= 8, $"only {formsSeen.Count} search forms were found: {string.Join("; ", formsSeen)}");
        Assert.True(sent > 300, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    /// <summary>
    /// A world with something on every page: a booking (its details, the day list's outcome form), an online
    /// consultation (the triage forms), a hub and its sessions (the rota forms), a slot to book (the booking form); and
    /// every page to open, those with ids filled in.
    /// </summary>
    private async Task<(TestWorld World, List<string> Pages)> WorldWithEveryPageAsync()
    {
        var world = await TestWorld.CreateAsync(factory);
        await Forward.Web.Tests.Consultation.ConsultJourney.SetPracticeAsync(factory, world.PracticeA);
        using (var journey = new Forward.Web.Tests.Consultation.ConsultJourney(factory))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber())).StatusCode);
        }

        var free = await world.FreeSlotsAsync();
        using var api = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await api.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), System.Net.Http.Json.JsonContent.Create(TestPatients.Booking(free[0].Id, world.PracticeA.OdsCode)));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var appointmentId = System.Text.Json.JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var (sessionId, requestId) = await world.WithDbAsync(async db => (
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Sessions.Where(x => x.HubId == world.HubId).Select(x => x.Id)),
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.ConsultationRequests.Where(r => r.PracticeId == world.PracticeA.Id).Select(r => r.Id))));
        var day = DateOnly.FromDateTime(free[0].StartUtc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var cancelLink = factory.Services.GetRequiredService<Forward.Web.Notifications.PatientCancelLinks>()
            .CreateToken(appointmentId, factory.Clock.GetUtcNow().UtcDateTime.AddDays(30));

        var pages = MappedEndpoint.All(factory)
            .Where(e => e.IsPage && !e.Path.Contains('{', StringComparison.Ordinal))
            .Select(e => e.Path)
            .Where(p => p is not ("/Account/SignOut" or "/Error"))
            .Concat(
            [
                $"/Booking/Book?SlotId={free[1].Id}&Practice={world.PracticeA.OdsCode}",
                $"/Appointments/Details/{appointmentId}",
                $"/Hubs/DayList?date={day}",
                $"/Admin/Hub/{world.HubId}",
                $"/Admin/Session/{sessionId}",
                $"/Triage/Request/{requestId}",
                $"/Patient/Cancel?token={Uri.EscapeDataString(cancelLink)}", // the patient's cancel link: anonymous, the token its credential
            ])
            .Distinct()
            .ToList();
        return (world, pages);
    }

    /// <summary>
    /// The form's fields as the page filled them in: inputs (for a box or radio group, the checked value, else the first,
    /// so that every field is there to be made hostile), the selects' chosen or first option, textareas.
    /// </summary>
    private static Dictionary<string, string> Fields(string form)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Input().Matches(form))
        {
            var tag = input.Value;
            var name = WebUtility.HtmlDecode(Attribute(tag, "name") ?? string.Empty);
            var type = Attribute(tag, "type")?.ToLowerInvariant() ?? "text";
            if (name.Length == 0 || type is "submit" or "button" or "image" || ((type is "checkbox" or "radio") && !tag.Contains("checked", StringComparison.OrdinalIgnoreCase) && fields.ContainsKey(name)))
            {
                continue;
            }

            fields[name] = WebUtility.HtmlDecode(Attribute(tag, "value") ?? string.Empty);
        }

        foreach (Match select in Select().Matches(form))
        {
            var options = Option().Matches(select.Groups[2].Value);
            var chosen = options.FirstOrDefault(o => o.Value.Contains("selected", StringComparison.OrdinalIgnoreCase)) ?? options.FirstOrDefault();
            fields[WebUtility.HtmlDecode(select.Groups[1].Value)] = chosen is null ? string.Empty : WebUtility.HtmlDecode(chosen.Groups[1].Value);
        }

        foreach (Match area in TextArea().Matches(form))
        {
            fields[WebUtility.HtmlDecode(area.Groups[1].Value)] = WebUtility.HtmlDecode(area.Groups[2].Value);
        }

        return fields;
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    [GeneratedRegex("^<form[^>]*\\saction=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ActionOf();

    /// <summary>A form that is not posted (no method, or method="get"), from its opening tag to its end.</summary>
    [GeneratedRegex("<form(?![^>]*method=\"post\")[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex GetForm();

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex("<select[^>]*\\sname=\"([^\"]+)\"[^>]*>(.*?)</select>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Select();

    [GeneratedRegex("<option[^>]*\\svalue=\"([^\"]*)\"[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Option();

    [GeneratedRegex("<textarea[^>]*\\sname=\"([^\"]+)\"[^>]*>(.*?)</textarea>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TextArea();
}
