namespace Tanager;

/// <summary>A login session together with its user: what one lookup of a bearer token yields.</summary>
public sealed record SignedInUser(UserSession Session, User User);
