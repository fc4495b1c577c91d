using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.TagHelpers;

/// <summary>One line of the error summary: the message and, for a field's error, the id of the field it links to.</summary>
public sealed record ValidationMessage(string Key, string? FieldId, string Message);

/// <summary>Reads ModelState for the NHS.UK error summary and error messages.</summary>
public static class ValidationMessages
{
    /// <summary>Shown when a model-binding error carries only an exception and no message.</summary>
    public const string FallbackMessage = "Enter a valid value";

    /// <summary>The messages for one field, in the order they were added; empty when the field is valid.</summary>
    public static IReadOnlyList<string> For(ModelStateDictionary modelState, string fullName)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        return modelState.TryGetValue(fullName ?? string.Empty, out var entry) && entry is not null
            ? Messages(entry)
            : [];
    }

    /// <summary>
    /// Every error in ModelState, one line each. Errors against the whole model come first, then field errors in the
    /// order given by <paramref name="fieldOrder"/> (full field names such as "Input.Date"), then the rest in the
    /// order their properties are declared on <paramref name="modelType"/>, which usually matches the form.
    /// </summary>
    public static IReadOnlyList<ValidationMessage> Summarise(
        ModelStateDictionary modelState,
        Type? modelType = null,
        IModelMetadataProvider? metadataProvider = null,
        IEnumerable<string>? fieldOrder = null)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        if (modelState.ErrorCount == 0)
        {
            return [];
        }

        var explicitOrder = (fieldOrder ?? [])
            .Where(name => !string.IsNullOrEmpty(name))
            .Select((name, index) => (name, index))
            .GroupBy(x => x.name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().index, StringComparer.OrdinalIgnoreCase);

        var rootMetadata = modelType is not null && metadataProvider is not null
            ? metadataProvider.GetMetadataForType(modelType)
            : null;

        var fields = modelState
            .Where(kv => kv.Value is not null && kv.Value.Errors.Count > 0)
            .Select((kv, index) => (kv.Key, Entry: kv.Value!, index))
            .OrderBy(x => x.Key.Length == 0 ? 0 : 1)
            .ThenBy(x => explicitOrder.TryGetValue(x.Key, out var position) ? position : int.MaxValue)
            .ThenBy(x => DeclarationOrder(rootMetadata, x.Key), SequenceComparer.Instance)
            .ThenBy(x => x.index);

        var lines = new List<ValidationMessage>();
        foreach (var (key, entry, _) in fields)
        {
            var fieldId = key.Length == 0 ? null : FieldIds.For(key);
            foreach (var message in Messages(entry))
            {
                lines.Add(new ValidationMessage(key, fieldId, message));
            }
        }

        return lines;
    }

    private static List<string> Messages(ModelStateEntry entry) =>
        entry.Errors
            .Select(error => string.IsNullOrWhiteSpace(error.ErrorMessage) ? FallbackMessage : error.ErrorMessage)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>For "Input.Items[2].Name": [index of Input, index of Items, 2, index of Name]; unknown parts sort last.</summary>
    private static List<int> DeclarationOrder(ModelMetadata? root, string key)
    {
        var order = new List<int>();
        var metadata = root;
        foreach (var segment in key.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var propertyName = bracket >= 0 ? segment[..bracket] : segment;
            ModelMetadata? property = null;
            var position = int.MaxValue;
            if (metadata is not null)
            {
                property = FindProperty(metadata, propertyName, out position);
            }

            order.Add(property is null ? int.MaxValue : position);
            metadata = property;

            // Collection indexes: "[2]" sorts as 2; dictionary keys or anything else sort last.
            var rest = bracket >= 0 ? segment[bracket..] : string.Empty;
            while (rest.StartsWith('['))
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    break;
                }

                order.Add(int.TryParse(rest.AsSpan(1, close - 1), out var index) ? index : int.MaxValue);
                metadata = metadata?.ElementMetadata;
                rest = rest[(close + 1)..];
            }
        }

        return order;
    }

    private static ModelMetadata? FindProperty(ModelMetadata metadata, string name, out int position)
    {
        position = 0;
        foreach (var property in metadata.Properties)
        {
            if (string.Equals(property.PropertyName, name, StringComparison.OrdinalIgnoreCase))
            {
                return property;
            }

            position++;
        }

        return null;
    }

    private sealed class SequenceComparer : IComparer<List<int>>
    {
        public static readonly SequenceComparer Instance = new();

        public int Compare(List<int>? x, List<int>? y)
        {
            if (x is null || y is null)
            {
                return (x is null ? 0 : 1) - (y is null ? 0 : 1);
            }

            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                var c = x[i].CompareTo(y[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return x.Count.CompareTo(y.Count);
        }
    }
}
