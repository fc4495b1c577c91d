using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Forward.Web.Infrastructure;

/// <summary>
/// The JSON API's OpenAPI document (/openapi/v1.json), made to say what the API answers where the generator cannot see
/// it: a generated client is built from this document, so what it leaves out or gets wrong, the client does too.
/// </summary>
public static class ApiDocument
{
    /// <summary>The name the document's bearer security scheme is listed and referred to by.</summary>
    public const string BearerScheme = "Bearer";

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo?.DeclaringType == typeof(Booking.RecordConsentDto))
            {
                // Given by the body's own schema (below): the answers it takes, not every name of the type.
                return Task.CompletedTask;
            }

            EnumNameJsonConverter.DescribeEnums(schema, context.JsonTypeInfo.Type);
            if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
            {
                DescribeProblem(schema);
            }

            if (context.JsonTypeInfo.Type == typeof(Booking.RecordConsentDto))
            {
                Booking.RecordConsentDto.Describe(schema);
            }

            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Forward API";
            document.Info.Description = "Extended-access hubs, slots and appointments. Authenticate with POST /api/v1/auth/token and send 'Authorization: Bearer <token>'. Errors are RFC 9457 ProblemDetails with a stable 'code' to branch on and a 'traceId' to quote.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The accessToken from POST /api/v1/auth/token, valid for an hour. A client system's account may be registered with scopes (organization/*.read, patient/*.read, patient/*.write); each operation lists the one it needs, and a person's account, with none, is governed by its role alone.",
            };
            return Task.CompletedTask;
        });

        // Every operation that needs a signed-in caller says so; the token endpoint, which a caller uses to sign in, does not.
        // The scope a client system needs (Access.ApiScopes.Filter refuses it otherwise) is listed with the scheme, as
        // OpenAPI 3.1 lets a non-OAuth scheme list roles, and said in words, as generated references show descriptions.
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                var scope = metadata.OfType<Access.ApiScope>().LastOrDefault()?.Value;
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = scope is null ? [] : [scope] });
                if (scope is not null)
                {
                    var needs = $"A client system registered with scopes needs `{scope}`; without it the answer is 403 with code `scope`.";
                    operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : operation.Description + "\n\n" + needs;
                }
            }

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

    /// <summary>
    /// Documents the errors an endpoint answers, as the ProblemDetails they are, so a generated client knows to read
    /// them: 401 always (no token, or one that has ended), 400 as a ValidationProblemDetails naming the fields, any other
    /// as a ProblemDetails. List only statuses the endpoint can answer.
    /// </summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses.Append(StatusCodes.Status401Unauthorized).Distinct().Order())
        {
            if (status == StatusCodes.Status400BadRequest)
            {
                builder.ProducesValidationProblem();
            }
            else
            {
                builder.ProducesProblem(status);
            }
        }

        return builder;
    }

    /// <summary>
    /// Every error body carries a <c>code</c> (what a client branches on) and a <c>traceId</c> (to quote when reporting
    /// it), which ProblemDetails keeps among its extension members. The generator lists neither and, as the API refuses
    /// unknown members in what it reads, forbids any member it did not list, so every error Forward sends failed
    /// validation against its own schema.
    /// </summary>
    private static void DescribeProblem(OpenApiSchema schema)
    {
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "What went wrong, stable across releases (validation-failed, slot-not-free, forbidden, ...): branch on this, not on title or detail.",
        };
        schema.Properties["traceId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The request's trace id, to quote when reporting the error.",
        };
        schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
        schema.Required.Add("code");
    }
}
