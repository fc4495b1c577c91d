using Forward.Domain;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// How a page shows a broken domain rule: the one helper every page handler uses after catching a
/// <see cref="DomainException"/>, so errors look and link the same everywhere.
/// </summary>
public static class ModelStateExtensions
{
    /// <summary>
    /// Adds <paramref name="exception"/> to ModelState. A <see cref="ValidationFailedException"/>'s errors go against
    /// their fields (the service's field name, with <paramref name="prefix"/> in front: "NhsNumber" → "Input.NhsNumber"),
    /// so the error summary links to the field; any other domain error is one error against the whole form.
    /// <paramref name="fields"/> renames service fields the page shows under another name; renaming to "" puts the
    /// error against the whole form (for fields the page does not show, such as hidden ones).
    /// A field that already has an error (say, a date that did not bind) keeps it: it is the more precise one.
    /// </summary>
    public static void AddDomainErrors(
        this ModelStateDictionary modelState,
        DomainException exception,
        string? prefix = null,
        IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not ValidationFailedException { Errors.Count: > 0 } validation)
        {
            modelState.AddModelError(string.Empty, exception.Message);
            return;
        }

        modelState.AddFieldErrors(validation.Errors, prefix, fields);
    }

    /// <summary>
    /// Adds field → message errors (from a domain validation) under the form's prefix; see <see cref="AddDomainErrors"/>
    /// for renames and why a field that already has an error keeps it. An empty field name is a whole-form error.
    /// </summary>
    public static void AddFieldErrors(
        this ModelStateDictionary modelState,
        IReadOnlyDictionary<string, string> errors,
        string? prefix = null,
        IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (field, message) in errors)
        {
            var name = fields is not null && fields.TryGetValue(field, out var renamed) ? renamed : field;
            var key = string.IsNullOrEmpty(name) || string.IsNullOrEmpty(prefix) ? name : $"{prefix}.{name}";
            if (key.Length > 0 && modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                continue;
            }

            modelState.AddModelError(key, message);
        }
    }

    /// <summary>
    /// Replaces the framework's binding message ("The value 'x' is not valid for From.") with a sentence for people.
    /// Does nothing when the field bound.
    /// </summary>
    public static void ReplaceBindingError(this ModelStateDictionary modelState, string key, string message)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        if (modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
        {
            entry.Errors.Clear();
            entry.Errors.Add(message);
        }
    }

    /// <summary>
    /// For a value that comes from a link rather than a field of the form (a page number, a practice chosen from a table, a
    /// date in the address of a page with no form): its binding error becomes <paramref name="message"/> against the whole
    /// page, so the error summary does not link to a field that is not there. Does nothing when the value bound.
    /// </summary>
    public static void MoveBindingErrorToPage(this ModelStateDictionary modelState, string key, string message)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        if (modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
        {
            modelState.Remove(key);
            modelState.AddModelError(string.Empty, message);
        }
    }

    /// <summary>Applies <see cref="ReplaceBindingError"/> for each key → message.</summary>
    public static void ReplaceBindingErrors(this ModelStateDictionary modelState, IReadOnlyDictionary<string, string> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var (key, message) in messages)
        {
            modelState.ReplaceBindingError(key, message);
        }
    }
}
