using Forward.Domain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Pages.Admin;

/// <summary>What the admin pages share: turning domain failures into statuses and field errors.</summary>
internal static class AdminPage
{
    /// <summary>403 or 404 for a refusal or a missing hub or session; null for other kinds, which the page shows itself.</summary>
    public static IActionResult? StatusFor(DomainException exception) => exception.Kind switch
    {
        DomainErrorKind.Forbidden => new StatusCodeResult(StatusCodes.Status403Forbidden),
        DomainErrorKind.NotFound => new NotFoundResult(),
        _ => null,
    };

    /// <summary>
    /// Adds a service's field errors under the form's prefix ("Input." + "EndTime"), skipping fields that already have a
    /// binding error (their own message says more); errors not tied to a field go against the whole form.
    /// </summary>
    public static void AddErrors(ModelStateDictionary modelState, string prefix, IReadOnlyDictionary<string, string> errors)
    {
        foreach (var (field, message) in errors)
        {
            var key = string.IsNullOrEmpty(field) ? string.Empty : string.IsNullOrEmpty(prefix) ? field : $"{prefix}.{field}";
            if (key.Length > 0 && modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                continue;
            }

            modelState.AddModelError(key, message);
        }
    }

    /// <summary>Replaces the framework's binding messages ("The value 'x' is not valid for ...") with the page's own.</summary>
    public static void FriendlyBindingErrors(ModelStateDictionary modelState, IReadOnlyDictionary<string, string> messages)
    {
        foreach (var (key, message) in messages)
        {
            if (modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                entry.Errors.Clear();
                entry.Errors.Add(message);
            }
        }
    }

    /// <summary>True when binding left an error on any field under <paramref name="prefix"/>.</summary>
    public static bool HasErrorsUnder(ModelStateDictionary modelState, string prefix) =>
        modelState.Any(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal) && kv.Value?.Errors.Count > 0);
}
