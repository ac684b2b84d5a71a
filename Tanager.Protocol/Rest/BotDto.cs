namespace Tanager.Protocol;

/// <summary>A bot and, when just created, its first token (shown once).</summary>
public sealed record BotDto
{
    public required UserDto User { get; init; }
    public TokenDto? Token { get; init; }
}
