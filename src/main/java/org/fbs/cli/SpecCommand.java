package org.fbs.cli;

import picocli.CommandLine.Command;

/** {@code fbs spec}: write and check build specs locally, without a master. */
@Command(name = "spec", mixinStandardHelpOptions = true,
    description = "Write and check build specs (INI or JSON) on this machine.",
    subcommands = {SpecInitCommand.class, SpecCheckCommand.class})
public final class SpecCommand {
}
