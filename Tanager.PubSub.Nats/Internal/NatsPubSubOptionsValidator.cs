using Microsoft.Extensions.Options;

namespace Tanager.PubSub.Nats.Internal;

/// <summary>Refuses unusable NATS settings when the host starts, with every problem named.</summary>
internal sealed class NatsPubSubOptionsValidator : IValidateOptions<NatsPubSubOptions>
{
    public ValidateOptionsResult Validate(string? name, NatsPubSubOptions options)
    {
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
