namespace Tanager;

/// <summary>Who may create an account through <c>POST /auth/register</c>.</summary>
public enum RegistrationPolicy
{
    /// <summary>Anyone who can reach the server.</summary>
    Open = 0,
    /// <summary>Only with a valid workspace invite code; the new account joins that workspace.</summary>
    InviteOnly = 1,
    /// <summary>Nobody: server administrators create accounts (admin API, API keys or <c>tanager admin</c>).</summary>
    Closed = 2,
}
