/**
 * Example data: the shipped MNIST digits, MNIST IDX and CIFAR-10 binary files, and a generated image set.
 * Loaders reject truncated or corrupt files with a message that names the file and the problem.
 */
package org.bn4j.examples.data;
