/**
 * The {@code bn4j} command line: the Batch Normalization paper's experiments as subcommands
 * ({@code mnist}, {@code inception}, {@code speed}), each writing a Markdown report with PNG plots and CSV.
 */
package org.bn4j.examples;
