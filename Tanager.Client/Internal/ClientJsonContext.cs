using System.Text.Json.Serialization;

namespace Tanager.Client.Internal;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ProblemDocument))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
