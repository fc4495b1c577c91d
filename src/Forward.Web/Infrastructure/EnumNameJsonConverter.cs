using System.Text.Json;
using System.Text.Json.Serialization;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Reads and writes every enum in the JSON API as its name, reading by <see cref="EnumNames"/>' rule: one of the names,
/// in any case. The framework's JsonStringEnumConverter ORs a comma list into another member, so a record-sharing
/// consent sent as "NotAsked,Granted" was recorded as Granted. The API document's enum schemas, which its generator
/// took from that converter, are given back by <see cref="DescribeEnums"/>.
/// </summary>
public sealed class EnumNameJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert is not null && typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NameConverter<>).MakeGenericType(typeToConvert))!;

    /// <summary>An enum's schema in the API document: a string, one of the names.</summary>
    public static void DescribeEnums(Microsoft.OpenApi.OpenApiSchema schema, Type type)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(type);
        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (!enumType.IsEnum)
        {
            return;
        }

        schema.Type = Nullable.GetUnderlyingType(type) is null
            ? Microsoft.OpenApi.JsonSchemaType.String
            : Microsoft.OpenApi.JsonSchemaType.String | Microsoft.OpenApi.JsonSchemaType.Null;
        schema.Enum = [.. Enum.GetNames(enumType).Select(name => (System.Text.Json.Nodes.JsonNode)name)];
    }

    private sealed class NameConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && EnumNames.TryParse<TEnum>(reader.GetString(), out var value)
                ? value
                : throw new JsonException($"Send one of {EnumNames.Listed<TEnum>()}.");

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value.ToString());
        }

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WritePropertyName(value.ToString());
        }
    }
}
