using NUlid;

namespace Tanager.AspNetCore.Internal;

/// <summary>The authenticated user of a request, set by <see cref="BearerAuthenticationFilter"/>.</summary>
internal sealed record TanagerCaller(Ulid UserId, User User, string Token);
