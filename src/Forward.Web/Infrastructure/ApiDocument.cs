using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Forward.Web.Infrastructure;

/// <summary>
/// The JSON API's OpenAPI document (/openapi/v1.json), made to say what the API answers where the generator cannot see
/// it: a generated client is built from this document, so what it leaves out or gets wrong, the client does too.
/// </summary>
public static class ApiDocument
{
    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            EnumNameJsonConverter.DescribeEnums(schema, context.JsonTypeInfo.Type);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Forward API";
            document.Info.Description = "Extended-access hubs, slots and appointments. Authenticate with POST /api/v1/auth/token and send 'Authorization: Bearer <token>'. Errors are RFC 9457 ProblemDetails.";
            return Task.CompletedTask;
        });

        // A query date (IsoDate) and a choice (EnumName) are read by their types' own binding (so an empty one is not
        // given): the generator leaves such parameters out, so they are documented here as DateOnly and enum ones
        // were, as a date and as the enum's names.
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var handler = context.Description.ActionDescriptor.EndpointMetadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault();
            foreach (var parameter in handler?.GetParameters() ?? [])
            {
                var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                if (operation.Parameters?.Any(p => p.Name == parameter.Name) == true)
                {
                    continue;
                }

                OpenApiParameter documented;
                if (type == typeof(IsoDate))
                {
                    documented = new()
                    {
                        Description = "A date as yyyy-mm-dd.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                    };
                }
                else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EnumName<>))
                {
                    documented = new()
                    {
                        Description = "One of the names listed, sent once.",
                        Schema = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken),
                    };
                }
                else
                {
                    continue;
                }

                documented.Name = parameter.Name;
                documented.In = ParameterLocation.Query;
                operation.Parameters ??= [];
                operation.Parameters.Add(documented);
            }
        });
    }
}
