# Reads a Confianza export into R as one data frame, `responses`:
# single choices, scales and ratings become factors labelled from the codebook,
# multiple-choice 0/1 columns integers, numbers numeric, dates Dates.
# "Don't know" and "prefer not to say" stay as levels; drop_non_substantive(responses)
# turns them into NA (as SPSS's user-missing values would) before means or models.
#
# Usage, with this folder as the working directory:  source("read_confianza.R")
# Needs base R only. Labels are in the language below (the export's choice); change it
# to another `label::` column of codebook.csv to relabel.
language <- "@LANGUAGE@"

codebook <- read.csv("codebook.csv", colClasses = "character", check.names = FALSE,
                     na.strings = character(0), encoding = "UTF-8")
responses <- read.csv("responses.csv", colClasses = "character", check.names = FALSE,
                      na.strings = "", encoding = "UTF-8")

label_column <- paste0("label::", language)
first_label <- grep("^label::", names(codebook), value = TRUE)[1]
label_of <- function(rows) {
  labels <- if (label_column %in% names(codebook)) rows[[label_column]] else rows[[first_label]]
  ifelse(labels == "", rows[[first_label]], labels)
}

responses$submitted_on <- as.Date(responses$submitted_on)
responses$revision <- as.integer(responses$revision)
non_substantive <- list()
for (i in which(codebook$row == "question")) {
  key <- codebook$key[i]
  type <- codebook$type[i]
  if (!(key %in% names(responses))) next
  choices <- codebook[codebook$row == "choice" & codebook$key == key, ]
  if (type %in% c("single_choice", "likert", "rating")) {
    responses[[key]] <- factor(responses[[key]], levels = choices$code,
                               labels = label_of(choices))
    non_substantive[[key]] <- label_of(choices[choices$non_substantive == "yes", ])
  } else if (type == "multiple_choice") {
    for (column in choices$column[choices$column != key]) {
      responses[[column]] <- as.integer(responses[[column]])
    }
  } else if (type == "number") {
    responses[[key]] <- as.numeric(responses[[key]])
  } else if (type == "date") {
    responses[[key]] <- as.Date(responses[[key]])
  }
  attr(responses[[key]], "label") <- label_of(codebook[i, ])
}

drop_non_substantive <- function(data) {
  for (key in names(non_substantive)) {
    if (length(non_substantive[[key]]) > 0) {
      values <- as.character(data[[key]])
      values[values %in% non_substantive[[key]]] <- NA
      kept <- setdiff(levels(data[[key]]), non_substantive[[key]])
      data[[key]] <- factor(values, levels = kept)
    }
  }
  data
}
