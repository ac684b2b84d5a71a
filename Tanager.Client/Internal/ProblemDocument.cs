namespace Tanager.Client.Internal;

internal sealed record ProblemDocument
{
    public string? Code { get; init; }
    public string? Title { get; init; }
    public string? Detail { get; init; }
    /// <summary>With code two_factor_required: the challenge to complete the login with.</summary>
    public string? Challenge { get; init; }
    public int? ExpiresIn { get; init; }
}
