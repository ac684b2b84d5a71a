using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal.OpenApi;

/// <summary>
/// Makes the schemas of Tanager's wire types say what Tanager actually sends and reads. ASP.NET Core builds every schema
/// with the app's JSON options (camelCase, numbers also read from strings, by default), but Tanager's endpoints read and
/// write with <see cref="TanagerJsonContext"/>: snake_case names, numbers only as numbers. So each property is renamed to
/// its name in that context, and the string alternative of numbers is removed.
/// </summary>
internal sealed class WireNameSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly Assembly Protocol = typeof(TanagerJsonContext).Assembly;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo;
        if (type.Kind == JsonTypeInfoKind.Object && type.Type.Assembly == Protocol && schema.Properties is { Count: > 0 } properties
            && TanagerJsonContext.Default.GetTypeInfo(type.Type) is { } wire)
        {
            var wireNames = wire.Properties.Where(p => p.AttributeProvider is MemberInfo).ToDictionary(p => ((MemberInfo)p.AttributeProvider!).Name, p => p.Name);
            var names = type.Properties.ToDictionary(p => p.Name, p => p.AttributeProvider is MemberInfo member && wireNames.TryGetValue(member.Name, out var name) ? name : p.Name);
            schema.Properties = properties.ToDictionary(p => names.GetValueOrDefault(p.Key, p.Key), p => p.Value);
            foreach (var property in properties.Values.OfType<OpenApiSchema>())
            {
                StrictNumber(property);
                if (property.Items is OpenApiSchema items)
                {
                    StrictNumber(items);
                }
            }
            if (schema.Required is { Count: > 0 } required)
            {
                schema.Required = required.Select(r => names.GetValueOrDefault(r, r)).ToHashSet();
            }
        }
        return Task.CompletedTask;
    }

    private static void StrictNumber(OpenApiSchema schema)
    {
        if (schema.Type is { } kinds && (kinds & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (kinds & JsonSchemaType.String) != 0)
        {
            schema.Type = kinds & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }
}
