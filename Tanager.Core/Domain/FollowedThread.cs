namespace Tanager;

/// <summary>A thread a user follows: its parent message (with reply count and last reply) and when the user started following.</summary>
public sealed record FollowedThread(Message Parent, DateTimeOffset FollowedAt);
