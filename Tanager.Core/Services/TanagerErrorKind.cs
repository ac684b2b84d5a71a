namespace Tanager;

/// <summary>What kind of refusal a <see cref="TanagerException"/> is; adapters map it to a status code.</summary>
public enum TanagerErrorKind
{
    InvalidRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
}
