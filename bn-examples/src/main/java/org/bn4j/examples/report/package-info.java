/**
 * Report output: Markdown, CSV, PNG line charts (XChart), and the provenance of a run.
 */
package org.bn4j.examples.report;
