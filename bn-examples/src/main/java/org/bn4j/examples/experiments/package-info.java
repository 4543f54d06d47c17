/**
 * The experiments themselves: each runs its networks and turns the measurements into a report section.
 */
package org.bn4j.examples.experiments;
