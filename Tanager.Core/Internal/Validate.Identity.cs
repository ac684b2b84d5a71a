namespace Tanager.Internal;

internal static partial class Validate
{
    /// <summary>External ids are the host's stable user ids (an OIDC <c>sub</c> is at most 255 ASCII characters).</summary>
    public const int MaxExternalIdLength = 256;
    public const int MaxTokenNameLength = 64;

    public static string ExternalId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxExternalIdLength || HasControlCharacters(value))
        {
            throw TanagerException.Invalid($"The external user id must be 1 to {MaxExternalIdLength} characters with no control characters.");
        }
        return value;
    }

    public static string? TokenName(string? value) => value is null ? null : Text(value, "name", MaxTokenNameLength);
}
