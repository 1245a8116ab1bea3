"""Names for the generated large clinic, with realistic (Zipf-like) frequencies.

A few thousand surnames: the common ones first (the head a desk types most: "smi", "joh",
"gar"), then a long tail built from English place and trade roots with their usual endings,
and a few "Mc", "O'" and double-barrelled ones (search must cope with the apostrophe and the
hyphen). Frequencies fall off as 1 / (rank + offset) ** s, so the first name holds about
1-2 % of the patients, as Smith does in the United States, and most surnames are rare.
"""

from __future__ import annotations

import itertools

COMMON_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed "
    "Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
    "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales "
    "Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin "
    "Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens "
    "Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy "
    "Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter "
    "Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner "
    "Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels "
    "Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins "
    "Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan "
    "Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman "
    "Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Guerrero "
    "George Chapman Rios Estrada Ortega Watkins Greene Nunez Wheeler Valdez Harper Burke "
    "Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez Carr Lawson Jacobs "
    "O'Brien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson Gilbert Dean "
    "Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber Welch "
    "Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna "
    "Fowler Mejia Davidson Acosta Brewer May Holland Juarez Newman Pearson Curtis Cortez "
    "Douglas Schneider Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley "
    "Hopkins Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala "
    "Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes Shelton Schwartz "
    "Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele Vaughn Becker "
    "Holt Deleon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham Graves "
    "Bush Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page "
    "McCarthy Love Robles Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin "
    "Daniel Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber Bowen "
    "Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair O'Connor Cardenas Pacheco "
    "Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales "
    "Stevenson Christensen Manning Gill Curry McLaughlin Harmon McGee Gross Doyle Garner "
    "Newton Burgess Reese Walton Blake Trujillo Adkins Brady Goodman Roman Webster Goodwin "
    "Fischer Huang Potter Delacruz Montoya Todd Wu Hines Mullins Castaneda Malone Cannon Tate "
    "Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia Saunders Franco Rowe Gallagher "
    "Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton Schroeder Maxwell "
    "Waters Logan Camacho Strickland Norman Person Colon Parsons Frank Harrington Glover "
    "Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler Suarez Bowers Orozco Salas Cobb "
    "Gibbs Andrade Bauer Conner Moody Escobar McGuire Lloyd Mueller Hartman French Kramer "
    "McBride Pope Lindsey Velazquez Norton McCormick Sparks Flynn Yates Hogan Marsh Macias "
    "Villanueva Zamora Pratt Stokes Owen Ballard Lang Brock Villarreal Charles Drake Barrera "
    "Cain Patrick Pineda Burnett Mercado Santana Shepherd Bautista Ali Shaffer Lamb Trevino "
    "McKenzie Hess Beil Olsen Cochran Morton Nash Wilkins Petersen Briggs Shah Roth Nicholson "
    "Holloway Lozano Rangel Flowers Hoover Short Arias Mora Valenzuela Bryan Meyers Weiss "
    "Underwood Bass Greer Summers Houston Carson Morrow Clayton Whitaker Decker Yoder Collier "
    "Zuniga Carey Wilcox Melendez Poole Roberson Larsen Conley Davenport Copeland Massey Lam "
    "Huff Rocha Cameron Jefferson Hood Monroe Anthony Pittman Huynh Randall Singleton Kirk "
    "Combs Mathis Christian Skinner Bradford Richard Galvan Wall Boone Kirby Wilkinson Bridges "
    "Bruce Atkinson Velez Meza Roy Vincent York Hodge Villa Abbott Allison Tapia Gates Chase "
    "Sosa Sweeney Farrell Wyatt Dalton Horn Barron Phelps Yu Dickerson Heath Foley Atkins "
    "Mathews Bonilla Acevedo Benitez Zavala Hensley Glenn Cisneros Harrell Shields Rubio "
    "Choi Huffman Boyer Garrison Arroyo Bond Kane Hancock Callahan Dillon Cline Wiggins "
    "Grimes Arellano Melton O'Neill Savage Ho Beltran Pitts Parrish Ponce Rich Booth Koch "
    "Golden Ware Brennan McDowell Marks Cantu Humphrey Baxter Sawyer Clay Tanner Hutchinson "
    "Kaur Berg Wiley Gilmore Russo Villegas Hobbs Keith Wilkerson Ahmed Beard McClain "
    "Montes Mata Rosario Vang Walter Henson O'Neal Mosley McClure Beasley Stephenson Snow "
    "Huerta Preston Vance Barry Johns Eaton Blackwell Dyer Prince Macdonald Solomon Guevara "
    "Stafford English Hurst Woodard Cortes Shannon Kemp Nolan McCullough Merritt Murillo "
    "Moon Salgado Strong Kline Cordova Barajas Roach Rosas Winters Jacobson Lester Knox "
    "Bullock Kerr Leach Meadows Orr Davila Whitehead Pruitt Kent Conway McKee Barr David "
    "Dejesus Marin Berger McIntyre Blankenship Gaines Palacios Cuevas Bartlett Durham "
    "Dorsey McCall O'Donnell Stein Browning Stout Lowery Sloan McLean Hendricks Calhoun "
    "Sexton Chung Gentry Hull Duarte Ellison Nielsen Gillespie Buck Middleton Sellers "
    "Leblanc Esparza Hardin Bradshaw McIntosh Howe Livingston Frost Glass Morse Knapp "
    "Herman Stark Bravo Noble Spears Weeks Corona Frederick Buckley McFarland Hebert Enriquez "
    "Hickman Quintero Randolph Schaefer Walls Trejo House Reilly Pennington Michael Conrad "
    "Giles Benjamin Crosby Fitzpatrick Donovan Mays Mahoney Valentine Raymond Medrano Hahn "
    "McMillan Small Bentley Felix Peck Lucero Boyle Hanna Pace Rush Hurley Harding McConnell "
    "Bernal Nava Ayers Everett Ventura Avery Pugh Mayer Bender Shepard McMahon Landry Case "
    "Sampson Moses Magana Blackburn Dunlap Gould Duffy Vaughan Herring McKay Espinosa Rivers "
    "Farley Bernard Ashley Friedman Potts Truong Costa Correa Blevins Nixon Clements Fry "
    "Delarosa Best Benton Lugo Portillo Dougherty Crane Haley Phan Villalobos Blanchard Horne "
    "Finley Quintana Lynn Esquivel Bean Dodson Mullen Xiong Hayden Cano Levy Huber Richmond "
    "Moyer Lim Frye Sheppard McCarty Avalos Booker Waller Parra Woodward Jaramillo Krueger "
    "Rasmussen Brandt Peralta Donaldson Stuart Faulkner Maynard Galindo Coffey Estes Sanford "
    "Burch Maddox Vo O'Connell Vu Andersen Spence McPherson Church Schmitt Stanton Leal "
    "Cherry Compton Dudley Sierra Pollard Alfaro Hester Proctor Lu Hinton Novak Good Madden "
    "McCann Terrell Jarvis Dickson Reyna Cantrell Mayo Branch Hendrix Rollins Rowland Whitney "
    "Duke Odom Daugherty Travis Tang Archer"
).split()

# The long tail: roots and the endings English surnames take.
_ROOTS = (
    "Ash Bar Bed Bel Ben Birch Black Bram Brad Bright Brook Brad Burn Cal Carl Chat Cliff "
    "Cold Cran Croft Dal Dart Dun East Elm Fair Far Fern Fin Ford Fox Gar Glen Gold Good "
    "Gran Green Ham Har Hart Hat Haw Hay Heath Hol Hurst Ing Kel Ken King Kirk Lang Lea Lind "
    "Lock Lyn Mal Mar Mer Mid Mill Mor Nor North Oak Pem Pen Pres Rad Ray Red Rid Ring Rock "
    "Ros Rush Sal Sand Sher South Stan Stock Stone Strat Sum Sut Thorn Tre Wal War Wat Wel "
    "West Whit Wick Wil Win Wood Wor Yar"
).split()
_ENDINGS = (
    "ley ton ford field well wood by worth man er ham more stead wick combe den dale "
    "land shaw sley mond low ridge"
).split()

FIRST_NAMES_F = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy "
    "Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah "
    "Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma "
    "Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria "
    "Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina "
    "Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria "
    "Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace "
    "Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris "
    "Kayla Alexis Lori Marie Ava Mia Harper Ella Chloe Zoe Luz Rosa Ana Carmen Guadalupe "
    "Mei Priya Aisha Fatima Yuki Ngoc Leila Ines Joy June Joanna Jolene Josephine"
).split()
FIRST_NAMES_M = (
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles "
    "Daniel Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George "
    "Timothy Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry "
    "Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis "
    "Jerry Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy "
    "Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence "
    "Jordan Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne "
    "Randy Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene Liam Lucas Oliver "
    "Carlos Luis Miguel Jorge Ahmed Omar Wei Hiroshi Minh Raj Arjun Mohammed Jonah Jon Joel"
).split()


def surnames(count: int = 3000) -> list[str]:
    """*count* distinct surnames, the common ones first (rank order)."""
    names = list(dict.fromkeys(COMMON_SURNAMES))
    seen = set(names)
    tail = [r + e for e, r in itertools.product(_ENDINGS, _ROOTS)]
    extras = [f"Mc{r}" for r in _ROOTS[:40]] + [f"O'{r}" for r in _ROOTS[40:70]]
    for name in itertools.chain(tail, extras):
        if len(names) >= count:
            break
        name = name[0] + name[1:].lower() if not name.startswith(("Mc", "O'")) else name
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:count]


def zipf_weights(count: int, offset: float = 8.0, s: float = 1.0) -> list[float]:
    """Cumulative weights for random.choices: rank r is drawn ~ 1 / (r + offset) ** s."""
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / (rank + offset) ** s
        cumulative.append(total)
    return cumulative


# Payers of a network: national plans, regional ones, government programs (fictitious
# names, so no real payer is implied), with their payer codes.
PAYERS = tuple(
    (name, f"LG{n:03d}")
    for n, name in enumerate(
        (
            "Medicare Part B (generated)",
            "Medicaid Managed Care (generated)",
            "Keystone Health Plan",
            "Northern Lights Mutual",
            "Harborview Health",
            "Summit Blue Cross",
            "Evergreen Care Alliance",
            "United Prairie Insurance",
            "Liberty Coast Health",
            "Great Lakes Benefit Plan",
            "Pioneer Health Partners",
            "Redwood Assurance",
            "Atlantic Shield",
            "Cardinal Health Cooperative",
            "Tricounty Workers Comp",
            "Veterans Community Care (generated)",
            "Silverline Medicare Advantage",
            "Meadowbrook HMO",
            "Blue Ridge PPO",
            "Self-funded Employer Plan",
        ),
        start=1,
    )
)
