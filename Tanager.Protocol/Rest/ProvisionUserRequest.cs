namespace Tanager.Protocol;

/// <summary>Creates an account from the admin API (a backend with an API key, or a server administrator).</summary>
public sealed record ProvisionUserRequest
{
    public string? Email { get; init; }
    public string? DisplayName { get; init; }
    /// <summary>Optional: without one the account cannot log in with a password (it is used through an API key's act-as).</summary>
    public string? Password { get; init; }
    /// <summary>Optional: the id of this user in the provisioning system, unique on the server.</summary>
    public string? ExternalId { get; init; }
    public bool ServerAdmin { get; init; }
}
