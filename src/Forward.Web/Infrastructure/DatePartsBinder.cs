using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Binds a <see cref="DateOnly"/>? from NHS.UK's date input: three boxes posted as <c>Name.Day</c>, <c>Name.Month</c>
/// and <c>Name.Year</c> (a date of birth is typed, not picked from a calendar years away). Errors follow the NHS
/// service manual ("Date of birth must include a month", "must be a real date", "Year must include 4 numbers") and are
/// recorded against <c>Name</c>; the boxes' own values are kept so the page shows what was typed. All three empty binds
/// nothing, leaving "enter a date" to the page's own rules. A form or script that posts <c>Name</c> whole, as
/// yyyy-MM-dd, is bound as before.
/// </summary>
public sealed class DatePartsBinder : IModelBinder
{
    /// <summary>The boxes, in the order they are shown and an error summary picks the first at fault.</summary>
    public static readonly IReadOnlyList<string> Parts = ["Day", "Month", "Year"];

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var name = bindingContext.ModelName;
        var label = bindingContext.ModelMetadata.DisplayName ?? "Date";
        var parts = Parts.Select(p => (Key: $"{name}.{p}", Value: bindingContext.ValueProvider.GetValue($"{name}.{p}"))).ToArray();
        if (parts.All(p => p.Value == ValueProviderResult.None))
        {
            BindWhole(bindingContext, name, label);
            return Task.CompletedTask;
        }

        foreach (var (key, value) in parts)
        {
            // The value bound is the first of a repeated key; the box shows that one again, not all of them joined.
            bindingContext.ModelState.SetModelValue(key, new ValueProviderResult(value.FirstValue ?? string.Empty, value.Culture));
        }

        var (date, error, atFault) = Parse(label, parts[0].Value.FirstValue, parts[1].Value.FirstValue, parts[2].Value.FirstValue);
        if (error is not null)
        {
            bindingContext.ModelState.TryAddModelError(name, error);
            bindingContext.HttpContext.Items[PartsAtFaultKey(name)] = atFault;
            bindingContext.Result = ModelBindingResult.Failed();
        }
        else
        {
            bindingContext.Result = ModelBindingResult.Success(date);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The boxes the binding error of field <paramref name="name"/> is about, kept for the page in HttpContext.Items;
    /// null when the binder found none wrong (no error, or one the page added itself).
    /// </summary>
    public static IReadOnlySet<string>? PartsAtFault(HttpContext http, string name)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[PartsAtFaultKey(name)] as IReadOnlySet<string>;
    }

    private static string PartsAtFaultKey(string name) => "date-parts-at-fault:" + name;

    /// <summary>
    /// The date three boxes make, or the message that says what is wrong with them (no date, no message when all are
    /// empty), and which boxes ("Day", "Month", "Year") the message is about, for the page to highlight only those, as
    /// the service manual asks: the missing ones, those that are not numbers, the year alone for its length, a box whose
    /// number no date has (day 32, month 13, year 0) alone, all three for a day its month does not have.
    /// </summary>
    public static (DateOnly? Date, string? Error, IReadOnlySet<string> AtFault) Parse(string label, string? day, string? month, string? year)
    {
        day = day?.Trim();
        month = month?.Trim();
        year = year?.Trim();
        var missing = Boxes(string.IsNullOrEmpty(day), string.IsNullOrEmpty(month), string.IsNullOrEmpty(year));
        if (missing.Count == 3)
        {
            return (null, null, None);
        }

        if (missing.Count > 0)
        {
            return (null, $"{label} must include a {string.Join(" and ", Parts.Where(missing.Contains).Select(p => p.ToLowerInvariant()))}", missing);
        }

        var notReal = $"{label} must be a real date";
        var dayNumber = Number(day);
        var monthNumber = Number(month);
        var yearNumber = Number(year);
        if (dayNumber is null || monthNumber is null || yearNumber is null)
        {
            // Only the boxes that hold no number ("1st", "-1", "March") are at fault.
            return (null, notReal, Boxes(dayNumber is null, monthNumber is null, yearNumber is null));
        }

        if (year!.Length != 4)
        {
            return (null, "Year must include 4 numbers", YearOnly);
        }

        // One box that can be wrong in no date at all is outlined alone; a day the month does not have (31 February)
        // may be the day's mistake or the month's, so the whole date is.
        var (d, m, y) = (dayNumber.Value, monthNumber.Value, yearNumber.Value);
        var wrongAlone = Boxes(d is < 1 or > 31, m is < 1 or > 12, y < 1);
        if (wrongAlone.Count > 0)
        {
            return (null, notReal, wrongAlone);
        }

        return d <= DateTime.DaysInMonth(y, m) ? (new DateOnly(y, m, d), null, None) : (null, notReal, All);
    }

    private static int? Number(string? box) => int.TryParse(box, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The boxes whose flag is set: day, month, year.</summary>
    private static HashSet<string> Boxes(bool day, bool month, bool year) =>
        new[] { day, month, year }.Select((flagged, i) => (flagged, Part: Parts[i])).Where(b => b.flagged).Select(b => b.Part).ToHashSet(StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> None = Boxes(false, false, false);

    private static readonly IReadOnlySet<string> All = Boxes(true, true, true);

    private static readonly IReadOnlySet<string> YearOnly = Boxes(false, false, true);

    private static void BindWhole(ModelBindingContext bindingContext, string name, string label)
    {
        var whole = bindingContext.ValueProvider.GetValue(name);
        if (whole == ValueProviderResult.None)
        {
            return;
        }

        bindingContext.ModelState.SetModelValue(name, whole);
        var text = whole.FirstValue?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            bindingContext.Result = ModelBindingResult.Success(null);
        }
        else if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            bindingContext.Result = ModelBindingResult.Success(date);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(name, $"{label} must be a real date");
            bindingContext.Result = ModelBindingResult.Failed();
        }
    }
}
