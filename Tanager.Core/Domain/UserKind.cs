namespace Tanager;

/// <summary>What drives an account. Stored as its number.</summary>
public enum UserKind
{
    Human = 0,
    Bot = 1,
}
